// Package check is the verifier: it walks a revision range, diffs each
// commit, compares the diff with the commit's signed manifests and the
// trusted policy, and produces findings under stable rule IDs (AC001…).
//
// # Findings and renderings
//
// [Verifier.Verify] produces a [Report], the one canonical result. Text,
// JSON and SARIF output are renderings of it ([WriteText], [WriteJSON],
// [WriteSARIF]); no renderer decides anything.
package check
