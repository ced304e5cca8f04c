package gateway

import (
	"os"
	"path/filepath"
	"testing"
)

// postdesk parse reads the subject for the desk of --config: its reference
// tag is cut from client and summary wherever it stands, and named in ref.
func TestParseFileCutsDeskRef(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.eml")
	mail := "From: anna@client.example\r\nTo: support@desk.example\r\n" +
		"Subject: RE: Severity 2 - Acme Freight [TKT-12] - labels (TKT-12)\r\n\r\nStill broken.\r\n"
	if err := os.WriteFile(path, []byte(mail), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Desk.Prefix = "TKT"
	v := ParseFile(cfg, path)
	if v.Severity != 2 || v.Client != "Acme Freight" || v.Summary != "labels" || v.Ref != "TKT-12" {
		t.Errorf("severity %d, client %q, summary %q, ref %q; want 2, Acme Freight, labels, TKT-12", v.Severity, v.Client, v.Summary, v.Ref)
	}
}
