package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	mailDir   = "../testdata/mail"
	goldenDir = "../testdata/golden/parser"
)

// TestGolden parses every testdata/mail/*.eml and compares the Message, as
// indented JSON, with testdata/golden/parser/<name>.json. Run with -update to
// rewrite the golden files, then review the diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(mailDir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no .eml files in %s", mailDir)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			msg, perr := mustParse(t, raw)
			if perr != nil {
				t.Logf("Parse error (expected in golden Problems): %v", perr)
			}
			checkGolden(t, filepath.Join(goldenDir, name+".json"), msg)
		})
	}
}

// TestGoldenContent checks what a help desk relies on in the testdata mails,
// independently of the golden files, so an -update cannot bless a regression
// in these properties.
func TestGoldenContent(t *testing.T) {
	tests := []struct {
		file      string
		subject   string
		severity  int
		text      string // Text must contain this
		from      string // "" when no address can be read
		automated string
		files     []string // attachment file names, in any order
	}{
		{"seko-new-ticket", "Severity 2 - Acme Freight - labels not printing", 2,
			"Error message: \"Label generation failed: printer profile not found\"", "priya.natarajan@acmefreight.example", "", nil},
		{"outlook-reply", "RE: [TKT-1] Severity 2 - Acme Freight - labels not printing", 2,
			"re-select the “Zebra ZT410” profile", "priya.natarajan@acmefreight.example", "", nil},
		{"semco-german-latin1", "Störung: Etikettendruck für Österreich fällt aus", 0,
			"keine Versandetiketten mehr drucken", "j.mueller@semco-logistik.example", "", nil},
		{"consignments-csv-png", `Severity 3 - Acme Freight - consignments stuck in "Manifested"`, 3,
			"Yes, list attached.", "tom.baker@acmefreight.example", "", []string{"impacted consignments.csv", "portal.png"}},
		{"out-of-office", "Automatic reply: [TKT-1] Severity 2 - Acme Freight - labels not printing", 0,
			"out of the office", "priya.natarajan@acmefreight.example", "auto-submitted: auto-replied", nil},
		{"dsn-bounce", "", 0,
			"User unknown", "", AutoBounce, []string{"delivery-status.txt", "headers.txt"}},
		{"broken-missing-boundary", "Fwd: scan upload failed", 0,
			"Last consignment scanned: ACM0004512399", "scanner01@acmefreight.example", "", []string{"batch-778.log"}},
		{"html-only-webform", "[EXTERNAL] Sev1: Acme Freight - tracking page shows error 500", 1,
			"Error 500", "no-reply@portal.acmefreight.example", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(mailDir, tt.file+".eml"))
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := mustParse(t, raw)
			if msg.Subject != tt.subject || msg.SubjectFields.Severity != tt.severity {
				t.Errorf("Subject = %q severity %d, want %q severity %d", msg.Subject, msg.SubjectFields.Severity, tt.subject, tt.severity)
			}
			if !strings.Contains(msg.Text, tt.text) {
				t.Errorf("Text = %q, want it to contain %q", msg.Text, tt.text)
			}
			switch {
			case tt.from == "" && msg.From != nil:
				t.Errorf("From = %+v, want none", msg.From)
			case tt.from != "" && (msg.From == nil || msg.From.Addr != tt.from):
				t.Errorf("From = %+v, want addr %q", msg.From, tt.from)
			}
			if msg.Automated != tt.automated {
				t.Errorf("Automated = %q, want %q", msg.Automated, tt.automated)
			}
			var names []string
			for _, a := range msg.Attachments {
				names = append(names, a.Filename)
				if a.Size == 0 || len(a.SHA256) != 64 {
					t.Errorf("attachment %q: size %d sha256 %q", a.Filename, a.Size, a.SHA256)
				}
			}
			if len(names) != len(tt.files) {
				t.Fatalf("attachments %q, want %q", names, tt.files)
			}
			for _, want := range tt.files {
				if !strings.Contains(strings.Join(names, "\n")+"\n", want+"\n") {
					t.Errorf("attachments %q, want one named %q", names, want)
				}
			}
		})
	}
}

// BenchmarkParse parses each sample mail of testdata/mail.
//
//	go test ./parser -run '^$' -bench Parse -benchmem
func BenchmarkParse(b *testing.B) {
	paths, err := filepath.Glob(filepath.Join(mailDir, "*.eml"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no sample mails: %v", err)
	}
	var mails [][]byte
	var size int64
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		mails = append(mails, raw)
		size += int64(len(raw))
	}
	b.SetBytes(size / int64(len(mails)))
	b.ResetTimer()
	for i := range b.N {
		if _, err := Parse(mails[i%len(mails)]); err != nil && !errors.Is(err, ErrUnreadable) {
			b.Fatal(err)
		}
	}
}

// checkGolden compares v, as indented JSON, with the golden file; with
// -update it writes the file instead.
func checkGolden(t *testing.T, golden string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("differs from %s (run with -update and review the diff)\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
}
