package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// overrideDir writes files (path relative to the folder: content) into a
// new folder and returns it.
func overrideDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestOverrideReplacesItsLanguageOnly(t *testing.T) {
	dir := overrideDir(t, map[string]string{
		"de/ack.txt.tmpl": "{{define \"text\"}}{{.ReplyMarker}}\n\nSEMCO: Ticket {{.Ref}} ist {{status .Status}}.\n{{end}}\n",
		".DS_Store":       "not a template, skipped",
		"de/.ack.swp":     "not a template, skipped",
	})
	s, err := Load(dir)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	embedded := loadSet(t)
	d := sample(KindAck)
	got, err := s.Render(KindAck, "de", d)
	if err != nil {
		t.Fatal(err)
	}
	if want := d.ReplyMarker + "\n\nSEMCO: Ticket TKT-42 ist neu.\n"; got.Text != want {
		t.Errorf("de ack text = %q, want the override's %q", got.Text, want)
	}
	deEmbedded, _ := embedded.Render(KindAck, "de", d)
	if got.HTML != deEmbedded.HTML {
		t.Errorf("de ack HTML is not the embedded one, though only the text was overridden:\n%s", got.HTML)
	}
	for _, lang := range []string{"en", "it", "fr"} {
		got, _ := s.Render(KindAck, lang, d)
		want, _ := embedded.Render(KindAck, lang, d)
		if got != want {
			t.Errorf("%s ack changed by the de override:\n%s", lang, got.Text)
		}
	}
}

func TestOverrideBrokenNamesFileAndLine(t *testing.T) {
	tests := []struct {
		name, rel, body, want string // want follows the path
	}{
		{"unknown field", "de/ack.txt.tmpl", "{{define \"text\"}}{{.ReplyMarker}}\n\n{{.Nope}}\n{{end}}", ":3:"},
		{"parse error", "de/ack.txt.tmpl", "{{define \"text\"}}{{.ReplyMarker}}\n\n{{if}}\n{{end}}", ":3:"},
		{"unknown function", "it/status.txt.tmpl", "{{define \"text\"}}\n{{shout .Ref}}\n{{end}}", ":2:"},
		{"unknown field for staff only", "nl/reply.txt.tmpl", "{{define \"text\"}}\n{{if .Staff}}\n{{.Nope}}{{end}}{{end}}", ":3:"},
		{"unknown field in an else branch", "en/ack.txt.tmpl", "{{define \"text\"}}{{with .Client}}{{.}}{{else}}\n{{.Nope}}{{end}}{{end}}", ":2:"},
		{"HTML unknown field", "de/ack.html.tmpl", "{{define \"html\"}}<p>\n{{.Ref}}\n{{.Nope}}</p>{{end}}", ":3:"},
		{"HTML escaping error", "de/ack.html.tmpl", "{{define \"html\"}}\n<p {{if .Staff}}title=\"{{end}}>x</p>{{end}}", ":2:"},
		{"HTML parse error", "de/ack.html.tmpl", "{{define \"html\"}}<p>\n{{end}}{{end}}", ":2:"},
		// The trial data sets OpensAt, CloseAt and Urgent, so what only they
		// show is tried too.
		{"unknown field after hours only", "de/ack.txt.tmpl", "{{define \"text\"}}{{.ReplyMarker}}\n{{with date .OpensAt}}\n{{.Year}}{{end}}{{end}}", ":3:"},
		{"unknown field when urgent only", "it/opened.html.tmpl", "{{define \"html\"}}<p>{{.ReplyMarker}}</p>{{if .Urgent}}\n{{.Nope}}{{end}}{{end}}", ":2:"},
		{"unknown field with a closing date only", "nl/reminder.txt.tmpl", "{{define \"text\"}}{{.ReplyMarker}}\n{{with date .CloseAt}}\n\n{{.Nope}}{{end}}{{end}}", ":4:"},
		{"no text block", "de/ack.txt.tmpl", "{{define \"subject\"}}[{{.Ref}}]{{end}}", ": no {{define \"text\"}} block"},
		{"no html block", "de/ack.html.tmpl", "<p>{{.Ref}}</p>", ": no {{define \"html\"}} block"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := overrideDir(t, map[string]string{tc.rel: tc.body})
			s, err := Load(dir)
			if err == nil {
				t.Fatalf("Load = %v, nil; want an error", s)
			}
			if want := filepath.Join(dir, filepath.FromSlash(tc.rel)) + tc.want; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		})
	}
}

func TestOverrideUnknownNameRefused(t *testing.T) {
	for _, rel := range []string{
		"de/nonsense.txt.tmpl", "xx/ack.txt.tmpl", "de/ack.txt", "de/ack.tmpl", "de/ack.subject.tmpl",
		"ack.txt.tmpl", "DE/ack.txt.tmpl", "de/sub/ack.txt.tmpl", "de/ACK.txt.tmpl",
	} {
		t.Run(rel, func(t *testing.T) {
			dir := overrideDir(t, map[string]string{rel: "{{define \"text\"}}{{.ReplyMarker}}\n{{end}}"})
			_, err := Load(dir)
			if err == nil {
				t.Fatal("Load = nil error, want the name refused")
			}
			want := filepath.Join(dir, filepath.FromSlash(rel))
			if rel == "de/sub/ack.txt.tmpl" {
				want = filepath.Join(dir, "de", "sub")
			}
			if !strings.Contains(err.Error(), want+": not a template") {
				t.Errorf("error %q does not name %s", err, want)
			}
		})
	}
}

func TestOverrideFolderMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("Load(%s) = %v, want an error naming the folder", dir, err)
	}
}

// An override must keep the reply marker: without it the reply parser has
// nothing to cut a customer's answer at.
func TestOverrideWithoutReplyMarkerRefused(t *testing.T) {
	for file, body := range map[string]string{
		"de/ack.txt.tmpl":  `{{define "text"}}Hallo {{.Ref}}{{end}}`,
		"de/ack.html.tmpl": `{{define "html"}}<p>Hallo {{.Ref}}</p>{{end}}`,
	} {
		dir := overrideDir(t, map[string]string{file: body})
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, file)) || !strings.Contains(err.Error(), "ReplyMarker") {
			t.Errorf("%s without the marker: %v", file, err)
		}
	}
}

func TestOverrideUsesDate(t *testing.T) {
	dir := overrideDir(t, map[string]string{
		"nl/reminder.txt.tmpl":  "{{define \"text\"}}{{.ReplyMarker}}\n\nTicket {{.Ref}} sluit op {{date .CloseAt}}.\n{{end}}\n",
		"nl/reminder.html.tmpl": "{{define \"html\"}}<p>{{.ReplyMarker}}</p><p>Sluit op {{date .CloseAt}}.</p>{{end}}\n",
	})
	s, err := Load(dir)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	d := sample(KindReminder)
	r, err := s.Render(KindReminder, "nl", d)
	if err != nil {
		t.Fatal(err)
	}
	if want := d.ReplyMarker + "\n\nTicket TKT-42 sluit op " + closeAtWords["nl"] + ".\n"; r.Text != want {
		t.Errorf("nl reminder text = %q, want %q", r.Text, want)
	}
	if want := "<p>Sluit op " + closeAtWords["nl"] + ".</p>"; !strings.Contains(r.HTML, want) {
		t.Errorf("nl reminder HTML = %q, want %q in it", r.HTML, want)
	}
}
