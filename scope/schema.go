package scope

import _ "embed" // for SchemaJSON

// SchemaJSON is the JSON Schema (draft 2020-12) of the policy file, for
// editors to complete and check .agentcheck.yml. It describes the file, not
// the merged [Policy]: every key is optional but version. It cannot check
// glob syntax, which [Parse] does.
//
//go:embed policy.schema.json
var SchemaJSON []byte
