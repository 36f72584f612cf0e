package scope_test

import (
	"fmt"

	"github.com/agentcheck/agentcheck/scope"
)

func ExampleParse() {
	p, err := scope.Parse([]byte(`
version: 1
protected:
  auth: {action: warn}   # keeps the built-in auth globs
  billing: {action: declare, paths: ["internal/billing/**", "!**/*_test.go"]}
`), ".agentcheck.yml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, path := range []string{"internal/auth/session.go", "internal/billing/invoice.go", "docs/login.md"} {
		fmt.Println(path, p.Classify(path))
	}

	_, err = scope.Parse([]byte("version: 1\nprotcted: {}\n"), ".agentcheck.yml")
	fmt.Println(err)
	// Output:
	// internal/auth/session.go [{auth warn **/auth/**}]
	// internal/billing/invoice.go [{billing declare internal/billing/**}]
	// docs/login.md []
	// .agentcheck.yml:2: unknown key "protcted" (did you mean "protected"?)
}

func ExamplePolicy_Classify() {
	p := scope.Default()
	for _, path := range []string{".GitHub/Workflows/ci.yml", ".agentcheck/allowed_signers", "main.go"} {
		fmt.Println(path, p.Classify(path))
	}
	// Output:
	// .GitHub/Workflows/ci.yml [{ci declare .github/workflows/**}]
	// .agentcheck/allowed_signers [{agent-config block .agentcheck/**}]
	// main.go []
}

func ExampleFromPrompt() {
	// The caller resolves mentions against the repository; here, a fixed set.
	repo := map[string]bool{"internal/auth/login.go": false, "internal/auth": true}
	resolve := func(m string) (string, bool, bool) {
		isDir, ok := repo[m]
		return m, isDir, ok
	}
	decls := scope.FromPrompt("scope: internal/payments/**, docs/payments.md\n"+
		"The test in @internal/auth/login.go fails; see @internal/auth. Mail me@example.com.", resolve)
	for _, d := range decls {
		fmt.Println(d.Source, d.Glob)
	}
	fmt.Println(scope.Declared(decls, "internal/auth/token.go"), scope.HasHard(decls))
	// Output:
	// directive internal/payments/**
	// directive docs/payments.md
	// mention internal/auth/login.go
	// mention internal/auth/**
	// true true
}
