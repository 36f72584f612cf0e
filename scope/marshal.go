package scope

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/agentcheck/agentcheck/agentid"
)

// MarshalYAML makes a Policy marshal, with yaml.Marshal, into a policy file
// that [Parse] reads back into the same value: every key is written, in the
// order of the policy file's documentation (version, require, agents, …),
// and the protected classes in the policy's order. It has
// a value receiver so that a Policy and a *Policy both marshal this way;
// reflection over the struct would write a file Parse rejects.
func (p Policy) MarshalYAML() (any, error) {
	classes := make([]*yaml.Node, 0, 2*len(p.Protected))
	for _, c := range p.Protected {
		classes = append(classes, str(c.Name), mapOf(
			"action", str(c.Action),
			"paths", strList(c.Paths),
		))
	}
	protected := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: classes}
	return mapOf(
		"version", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(p.Version)},
		"require", str(p.Require),
		"agents", mapOf(
			"trailers", strList(p.Agents.Trailers),
			"authors", strList(p.Agents.Authors),
			"registry", agentRegistryNode(p.Agents.Registry),
		),
		"trust", mapOf(
			"allowed_signers", str(p.Trust.AllowedSigners),
			"github_ssh_keys", boolean(p.Trust.GitHubSSHKeys),
			"approvers", str(p.Trust.Approvers),
			"presence", str(p.Trust.Presence),
		),
		"runtime", str(p.Runtime),
		"record", mapOf("prompts", str(p.Record.Prompts)),
		"server", mapOf("platform_merges", str(p.Server.PlatformMerges)),
		"protected", protected,
		"scope", mapOf(
			"enforce", boolean(p.Scope.Enforce),
			"always", strList(p.Scope.Always),
		),
		"taint", mapOf(
			"trusted_hosts", strList(p.Taint.TrustedHosts),
			"trusted_mcp", strList(p.Taint.TrustedMCP),
		),
		"approvals", mapOf(
			"never", strList(p.Approvals.Never),
			"allow_self", boolean(p.Approvals.AllowSelf),
		),
	), nil
}

// mapOf builds a mapping node from alternating keys (strings) and values
// (*yaml.Node), in that order.
func mapOf(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		key, _ := kv[i].(string)
		val, _ := kv[i+1].(*yaml.Node)
		n.Content = append(n.Content, str(key), val)
	}
	return n
}

// str builds a string node; the encoder quotes it where YAML would otherwise
// read it as something else (a leading "*" or "!", "true", "1").
func str(s string) *yaml.Node {
	n := &yaml.Node{}
	n.SetString(s)
	return n
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

// strList builds a flow-style list of strings, one line per short list.
func strList(ss []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, s := range ss {
		n.Content = append(n.Content, str(s))
	}
	return n
}

// agentRegistryNode writes agents.registry, each agent with the keys it sets.
func agentRegistryNode(overrides []agentid.Override) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, o := range overrides {
		var kv []any
		if o.Enabled != nil {
			kv = append(kv, "enabled", boolean(*o.Enabled))
		}
		if o.Vendor != "" {
			kv = append(kv, "vendor", str(o.Vendor))
		}
		if o.Kind != "" {
			kv = append(kv, "kind", str(string(o.Kind)))
		}
		for _, l := range []struct {
			key  string
			list []string
		}{{"co_authors", o.CoAuthors}, {"emails", o.Emails}, {"accounts", o.Accounts}, {"trailers", o.Trailers}} {
			if len(l.list) > 0 {
				kv = append(kv, l.key, strList(l.list))
			}
		}
		agent := mapOf(kv...)
		agent.Style = yaml.FlowStyle
		n.Content = append(n.Content, str(o.Name), agent)
	}
	return n
}
