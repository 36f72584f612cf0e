// Package audit gives an account of what coding agents did in a range of
// commits — the sessions behind each commit and what the gate found — and
// exports it for compliance, each record mapped to the controls it
// evidences.
//
// Everything here is a rendering of one verification ([check.Report]) and of
// the manifests it read: the package decides nothing. [BuildLog] is the
// canonical account (agentcheck log); [BuildExport] turns it into the
// compliance export (agentcheck export), rendered as JSON, CSV or one HTML
// page. [BuildCensus] counts, per agent, the commits a range's agents made
// and their manifests (agentcheck census), from commits identified without
// their diffs. All recorded text is hostile: the text renderer flattens it to
// printable lines, the CSV writer neutralises spreadsheet formulas, the HTML
// page escapes it and loads nothing.
//
// # The log document
//
// agentcheck log --format json writes one indented JSON document:
//
//	{
//	  "version": 1,
//	  "range": "origin/main..HEAD", "base": "9f1c…", "policySource": "…", "signersSource": "…",
//	  "commits": [{
//	    "commit": "1a2b…", "subject": "…", "author": "dev@example.com",
//	    "date": "2026-11-26T10:00:00Z", "agent": true,
//	    "madeBy": [{"agent": "claude-code", "title": "Claude Code", "source": "manifest", "marker": "…"}],
//	    "manifest": "valid",
//	    "sessions": [{
//	      "session": "claude-code/s1", "agent": "claude-code", "model": "…", "id": "s1",
//	      "signature": "valid", "signer": "dev@example.com", "keyid": "SHA256:…",
//	      "started": "…", "ended": "…", "permissionMode": "default", "sandbox": "…" (when recorded),
//	      "task": {"excerpt": "…", "prompts": [{"at": "…", "text": "…", "recorded": "full"}]},
//	      "scope": [{"glob": "src/**", "source": "directive"}],
//	      "scopeClaims": [{"at", "origin", "globs"}] (when any: scope directives in input
//	                     the human did not write, which declared nothing),
//	      "reads": {"files": […], "fetches": [{"url", "host", "trusted"}], "searches": […],
//	                "mcp": [{"server", "tool", "trusted"}],
//	                "hosts": [{"name", "trusted"}], "mcpServers": [{"name", "trusted"}]},
//	      "actions": {"edits": [{"path"}], "commands": [{"command"}], "mcp": […], "subagents": […]},
//	      "files": [{"path", "blob"}], "remotes": [{"name", "urls"}],
//	      "tainted": true, "findings": {"errors": 1, "warnings": 0, "notes": 0}
//	    }],
//	    "findings": [ … the findings of agentcheck verify's JSON report … ]
//	  }],
//	  "summary": {"commits": 1, "sessions": 1, "errors": 1, "warnings": 0, "notes": 0}
//	}
//
// version is 1; fields may be added within a version, never removed, renamed
// or given another meaning. Times are RFC 3339 in UTC. Lists are never null.
// signature is "valid" when the manifest verified against a trusted key for
// this commit, else "invalid": then the session's content is shown but
// nothing vouches for it, and the findings say why. trusted says whether the
// trusted policy's taint.trusted_hosts or taint.trusted_mcp covers a host
// or MCP server. prompts[].recorded is what record.prompts kept: "full"
// (text, with secrets masked), "hash" (sha256 only) or "none". commands are
// as recorded, secrets masked before signing. findings are objects of the
// verify JSON report (package report, json.go), in the same order, and so
// are madeBy (which agents made the commit and how each is known) and
// manifest (valid, invalid or none).
//
// # The export document
//
// agentcheck export --format json writes one indented JSON document:
//
//	{
//	  "version": 1, "generator": "agentcheck v0.5.0",
//	  "range": "…", "base": "…", "policySource": "…", "signersSource": "…",
//	  "summary": {"commits", "sessions", "findings", "errors", "warnings", "notes"},
//	  "sessions": [ one record per session per commit ],
//	  "findings": [ one record per finding ],
//	  "rules": [ every rule with its finding counts and controls ],
//	  "frameworks": [{"id", "name", "short", "source": {"title", "url"}}],
//	  "controls": [ the mapping table ]
//	}
//
// A session record has commit, subject, author, date, session, agent,
// agentVersion, model, signature, signer, keyid, started, ended,
// permissionMode, task (an excerpt), prompts (how they were recorded: full,
// hash, none or mixed), scope ("glob (source)"), filesRead, fetchedHosts and
// mcpServers ({name, trusted}), commands, edits, filesChanged, tainted,
// findings (counts by level) and controls: the controls a valid signed
// session record evidences ([]{framework, id}; empty for an invalid
// signature). A finding record is a finding of the verify JSON report plus
// subject, madeBy (the agents that made its commit, as in the log) and
// controls. A rules entry has id, name, defaultLevel,
// description, findings (counts) and controls. A controls row has
// framework, id, title, section and url (where the source says it),
// evidence (the record kinds and rules mapped to it: "session", "AC004", …),
// and sessions and findings: how many of this export's records evidence it.
// There is no generation time: the same range exports the same bytes.
//
// agentcheck export --format csv writes the same records as RFC 4180 CSV
// (CRLF line ends): a header row, then one row per session ("session" in the
// record column) and one per finding ("finding"). Columns that do not apply
// to a record are empty, lists are joined with "; ", and one column per
// framework (owasp_llm_2025, nist_ai_rmf, eu_ai_act, iso_iec_42001,
// soc2_tsc) lists the control IDs the record evidences. A cell beginning
// with =, +, -, @, |, %, a tab or a carriage return (after spaces) is
// prefixed with a single quote so that no spreadsheet evaluates it.
//
// agentcheck export --format html writes one self-contained page: inline
// CSS, no script, a Content-Security-Policy that forbids loading anything; a
// summary, the findings by rule, a timeline of the sessions, the findings and
// the control mapping table.
//
// # The census document
//
// agentcheck census --format json writes one indented JSON document
// ([Census]), the exposure of a range to its agents:
//
//	{
//	  "version": 1, "range": "HEAD", "base": "…", "policySource": "…", "signersSource": "…",
//	  "commits": 18400,
//	  "agents": [{
//	    "agent": "claude-code", "title": "Claude Code", "vendor": "Anthropic", "kind": "local",
//	    "counted": true, "commits": 31, "manifests": {"valid": 0, "invalid": 0, "none": 31},
//	    "markers": [{"source": "registry", "marker": "co-author trailer noreply@anthropic.com", "commits": 31}],
//	    "list": [{"commit": "…", "subject": "…", "author": "…", "date": "…", "manifest": "none",
//	              "source": "registry", "marker": "…", "madeBy": [ … ]}]
//	  }],
//	  "summary": {"agentCommits": 50, "manifests": {"valid": 0, "invalid": 0, "none": 50},
//	              "automation": 1015, "others": 17335}
//	}
//
// Each commit of the range counts once, for the first entry of its madeBy
// (the verify JSON report's: a valid manifest's agent, else the agent its
// metadata names); a commit that only its note makes an agent commit (a
// note of manifests, none valid) counts for the unnamed agent (agent "",
// source "note"). agents lists the counted agents first, then those the
// policy does not count (counted false: dependency bots by default), each
// part by most commits, then by title. manifest is valid, invalid or none,
// as in the verify JSON report. summary.agentCommits and
// summary.manifests count the counted agents' commits, automation the
// others', and others the commits no agent made. version is 1, with the
// same rules as the log's.
//
// agentcheck census --format csv writes one row per commit of each agent,
// in the same order, with the columns agent, title, vendor, kind, counted,
// commit, date, author, manifest, source, marker and subject, formulas
// neutralised as in the export.
//
// # Controls
//
// The mapping from records and rules to controls is one data file,
// controls.yaml, embedded in the binary: OWASP Top 10 for LLM Applications
// 2025, NIST AI RMF 1.0 subcategories, EU AI Act articles, ISO/IEC
// 42001:2023 Annex A controls and SOC 2 (2017 Trust Services Criteria)
// common criteria, each control with its source document, section and URL,
// and each mapping with the reason it holds. Only IDs checked against their
// source are listed. A mapping says that a record is evidence relevant to a
// control, never that the control is met.
package audit
