package gateway

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check-config refuses what cannot work and says, for each problem, the
// file, the key and what would be valid.
func TestCheckConfigRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string // each a config file's text
		want  []string // every one appears in the error
	}{
		{"unknown key, with the likely one", []string{"[desk]\nprefx = \"X\"\n"},
			[]string{"f0.toml", "unknown key desk.prefx", "did you mean prefix?", "valid in [desk]:", "reopen_window_days"}},
		{"unknown key in an array table", []string{"[[users]]\nemial = \"a@b.example\"\n"},
			[]string{"unknown key users.emial", "did you mean email?", "valid in [users]: department, email, lang, name, org, role"}},
		{"unknown top-level table", []string{"[dsek]\nprefix = \"X\"\n"},
			[]string{"unknown key dsek", "valid in the top level:", "desk"}},
		{"key set twice", []string{"[desk]\nprefix = \"A\"\nprefix = \"B\"\n"},
			[]string{"f0.toml", "line 3", "desk.prefix", "already been defined"}},
		{"value of the wrong kind names its key", []string{"[smtp]\nread_timeout = \"soon\"\n"},
			[]string{"line 2", "read_timeout"}},
		{"unknown state name", []string{"[desk.status_words.en]\nwaiting = \"on hold\"\n"},
			[]string{"desk.status_words.en.waiting", `"waiting" is not a state`, "valid: new, assigned, in_progress, waiting_customer, dev_request, resolved, closed, cancelled"}},
		{"status words of an unknown language", []string{"[desk.status_words.fr]\nnew = \"ouvert\"\n"},
			[]string{"desk.status_words.fr", "valid: en, de, it, nl"}},
		{"empty status word", []string{"[desk.status_words.en]\nnew = \" \"\n"},
			[]string{"desk.status_words.en.new", "is empty"}},
		{"the form gives values the desk never takes", []string{"[desk]\nform = \"semco\"\npriorities = [\"niedrig\", \"normal\", \"hoch\"]\ndefault_priority = \"normal\"\n"},
			[]string{"desk.priorities", `lacks "high"`, "the form gives high, low, normal"}},
		{"a department the form cannot give", []string{"[desk]\nform = \"sera\"\ndepartments = [\"Datawijzer\"]\n"},
			[]string{"desk.departments", `lacks "datawijzer"`}},
		{"a user of an unknown organisation", []string{"[[orgs]]\nname = \"Acme\"\ndomains = [\"acme.example\"]\n[[users]]\nemail = \"a@acme.example\"\norg = \"Acne\"\n"},
			[]string{"users[0].org", `"Acne" is not one of the [[orgs]] (Acme)`}},
		{"the same user twice", []string{"[[users]]\nemail = \"a@b.example\"\n[[users]]\nemail = \"A@b.example\"\n"},
			[]string{"users[1].email", "named twice"}},
		{"one domain in two organisations", []string{"[[orgs]]\nname = \"A\"\ndomains = [\"x.example\"]\n[[orgs]]\nname = \"B\"\ndomains = [\"X.example\"]\n"},
			[]string{"orgs[1].domains", `"x.example" already belongs to "A"`}},
		{"registration help that SMTP cannot say", []string{"[desk]\nregistration = \"registered\"\nregistration_help = \"Contattate il centralino, è facile.\"\n"},
			[]string{"desk.registration_help", "plain ASCII"}},
		{"policy that cannot be satisfied", []string{"[desk]\nreopen = \"new_ticket\"\nreopen_window_days = 14\n"},
			[]string{"desk.reopen_window_days", "this desk never reopens"}},
		{"two desks with one prefix", []string{
			"[desk]\ndomain = \"a.example\"\n[database]\npath = \"a.db\"\n[smtp]\nlisten = \"127.0.0.1:2525\"\n",
			"[desk]\ndomain = \"b.example\"\n[database]\npath = \"b.db\"\n[smtp]\nlisten = \"127.0.0.1:2526\"\n"},
			[]string{"f1.toml: desk.prefix", `"TKT" is also the desk.prefix of`, "f0.toml", "each desk needs its own"}},
		{"two desks on one database", []string{
			"[desk]\nprefix = \"A\"\ndomain = \"a.example\"\n[smtp]\nlisten = \"127.0.0.1:2525\"\n",
			"[desk]\nprefix = \"B\"\ndomain = \"b.example\"\n[smtp]\nlisten = \"127.0.0.1:2526\"\n"},
			[]string{"f1.toml: database.path", `"postdesk.db" is also the database.path of`}},
		{"one database by two spellings", []string{
			"[desk]\nprefix = \"A\"\ndomain = \"a.example\"\n[database]\npath = \"./desk.db\"\n[smtp]\nlisten = \"127.0.0.1:2525\"\n",
			"[desk]\nprefix = \"B\"\ndomain = \"b.example\"\n[database]\npath = \"desk.db\"\n[smtp]\nlisten = \"127.0.0.1:2526\"\n"},
			[]string{"f1.toml: database.path", `"desk.db" is also the database.path of`}},
		{"a wildcard listener takes the port on every address", []string{
			"[desk]\nprefix = \"A\"\ndomain = \"a.example\"\n[database]\npath = \"a.db\"\n[smtp]\nlisten = \":2525\"\n",
			"[desk]\nprefix = \"B\"\ndomain = \"b.example\"\n[database]\npath = \"b.db\"\n[smtp]\nlisten = \"127.0.0.1:2526\"\n" +
				"submission_listen = \"127.0.0.1:2525\"\ntls_cert = \"c.pem\"\ntls_key = \"k.pem\"\n"},
			[]string{"f1.toml: smtp.submission_listen", `"127.0.0.1:2525" is also the smtp.listen of`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			for i, text := range tc.files {
				p := filepath.Join(dir, "f"+string(rune('0'+i))+".toml")
				if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
				paths = append(paths, p)
			}
			err := CheckConfigs(&bytes.Buffer{}, paths)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// Every shipped desk passes check-config on its own, and two desks that
// differ where they must pass together.
func TestCheckConfigAccepts(t *testing.T) {
	examples, err := filepath.Glob(filepath.Join("..", "examples", "*.toml"))
	if err != nil || len(examples) != 5 {
		t.Fatalf("examples: %v %v", examples, err)
	}
	for _, p := range examples {
		var out bytes.Buffer
		if err := CheckConfigs(&out, []string{p}); err != nil {
			t.Errorf("%s: %v", p, err)
		} else if !strings.HasPrefix(out.String(), p+": ok: desk ") {
			t.Errorf("%s: summary %q", p, out.String())
		}
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.toml"), filepath.Join(dir, "b.toml")
	os.WriteFile(a, []byte("[desk]\nprefix = \"A\"\ndomain = \"a.example\"\n[database]\npath = \"a.db\"\n[smtp]\nlisten = \"127.0.0.1:2525\"\n"), 0o600)
	os.WriteFile(b, []byte("[desk]\nprefix = \"B\"\ndomain = \"b.example\"\n[database]\npath = \"b.db\"\n[smtp]\nlisten = \"127.0.0.1:2526\"\n"), 0o600)
	var out bytes.Buffer
	if err := CheckConfigs(&out, []string{a, b}); err != nil || strings.Count(out.String(), ": ok: ") != 2 {
		t.Fatalf("two distinct desks: %v\n%s", err, out.String())
	}
}
