package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/agentcheck/agentcheck/internal/repogen"
)

// hostile measures "agentcheck verify" on each input of
// repogen.HostileCases, built to make the gate run out of time or memory
// (a note full of signatures by an untrusted key, a commit changing
// 200,000 protected files, ...). Each must fail (exit 1 or 2) within 5 s and
// 200 MB; the tests check that it fails, this measures how fast and in how
// much memory.
func (b *bench) hostile(ctx context.Context) error {
	for _, h := range repogen.HostileCases() {
		dir := filepath.Join(b.cache, "hostile-"+generation+"-"+h.Name)
		done := filepath.Join(dir, ".git", "repogen-done")
		if !fileExists(done) {
			logf("generating hostile input %s ...", h.Name)
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
			if err := h.Generate(ctx, dir); err != nil {
				return err
			}
			if err := os.WriteFile(done, nil, 0o644); err != nil {
				return err
			}
		}
		want := 1
		if len(h.Rules) == 0 {
			want = 2
		}
		logf("hostile %s: %d runs ...", h.Name, b.runs)
		st, err := b.measure(ctx, 1, &command{
			name: "agentcheck verify (" + h.Name + ")", dir: dir, env: gitEnv(),
			args: []string{b.bin, "verify", h.Range()},
			ok:   func(code int) bool { return code == want },
		})
		if err != nil {
			return err
		}
		b.rows = append(b.rows, row{
			name: fmt.Sprintf("`verify` on %s (exit %d)", h.What, want), ours: st[0],
			target: "≤ 5 s, ≤ 200 MB", absTarget: 5 * time.Second, rssTarget: 200 << 10,
		})
	}
	return nil
}
