// Package report renders the one canonical result of a check, a
// [check.Report]: as text for people ([WriteText]), as the versioned JSON
// document ([WriteJSON], described at the top of json.go), as SARIF 2.1.0
// for code scanning ([WriteSARIF], mapped at the top of sarif.go), and one
// finding per line for channels such as a pre-receive hook's messages
// ([OneLine]).
//
// A renderer decides nothing: every level, message and hint comes from the
// report. Renderers order sessions and findings as [check.Report.Canonical]
// does, and escape everything that comes from a repository ([Printable]), so
// that a crafted path or message cannot rewrite the reader's terminal.
package report
