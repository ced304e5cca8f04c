package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"postdesk/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files in "+goldenDir)

// goldenDir holds LANG/KIND.txt and LANG/KIND.html, rendered from sample.
const goldenDir = "../testdata/golden/templates"

// hostile is customer input that must arrive escaped in HTML.
const hostile = `<script>alert(1)</script> & "x"`

func loadSet(t *testing.T) *Set {
	t.Helper()
	s, err := Load("")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

// sample is the fixed Data of kind's golden files: what the gateway would
// pass, with hostile strings in Summary and Text.
func sample(kind string) Data {
	d := Data{
		Ref: "TKT-42", Summary: "Labels do not print " + hostile, Client: "Acme Logistics",
		Severity: 2, Priority: "high", Department: "OmniParcel",
		Requester: "anna@client.example", Assignee: "ben@desk.example", Status: "in_progress",
		RecipientName: "Anna Example", DeskName: "Example Support", DeskAddress: "support@desk.example",
		ReplyMarker: parser.ReplyMarker, Author: "Ben Agent",
		Text: "Since this morning no label prints.\n" + hostile + "\n\nConsignment 4711 is affected.",
	}
	switch kind {
	case KindAck:
		d.Status, d.Assignee, d.Author = "new", "", "anna@client.example"
	case KindOpened:
		d.Status, d.Assignee, d.Author, d.RecipientName, d.Staff = "new", "", "anna@client.example", "Ben Agent", true
	case KindReply:
		d.Author, d.RecipientName, d.Staff = "anna@client.example", "Ben Agent", true
	case KindAnswer:
		d.Status = "waiting_customer"
		d.Text = "Hello Anna,\n\nplease send us the consignment numbers.\n" + hostile + "\n\nRegards,\nBen"
	case KindStatus:
		d.OldStatus, d.Status, d.Reason = "in_progress", "waiting_customer", "we need the consignment numbers"
	case KindResolved:
		d.Status, d.Resolution, d.Reason, d.AutoCloseDays = "resolved", "fixed", "printer driver updated", 30
		d.Text = "The label printer driver was updated.\n" + hostile
	case KindEscalation:
		d.Escalated, d.Reason, d.Author, d.RecipientName, d.Staff = true, "all orders are affected", "anna@client.example", "Carla Manager", true
	case KindTranscript:
		d.Text = "> #status\nTKT-42 is in progress, severity 2\n> #share " + hostile + "\nNot taken: not an address"
	}
	return d
}

func TestGolden(t *testing.T) {
	s := loadSet(t)
	for _, lang := range Languages {
		for _, kind := range Kinds {
			r, err := s.Render(kind, lang, sample(kind))
			if err != nil {
				t.Fatalf("Render(%s, %s): %v", kind, lang, err)
			}
			for ext, got := range map[string]string{".txt": r.Text, ".html": r.HTML} {
				path := filepath.Join(goldenDir, lang, kind+ext)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./templates -update)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from the rendering (go test ./templates -update rewrites it):\n%s", path, got)
				}
			}
		}
	}
}

// everyVariant is sample data of every kind and both audiences, and the
// same with only the fields every notice has.
func everyVariant(kind string) map[string]Data {
	full := sample(kind)
	sparse := Data{Ref: "TKT-1", Summary: hostile, Severity: 3, Requester: "anna@client.example", Status: "new",
		DeskName: "Example Support", DeskAddress: "support@desk.example", ReplyMarker: parser.ReplyMarker, Text: hostile}
	v := map[string]Data{}
	for _, staff := range []bool{false, true} {
		full.Staff, sparse.Staff = staff, staff
		name := map[bool]string{false: "customer", true: "staff"}[staff]
		v["full "+name], v["sparse "+name] = full, sparse
	}
	return v
}

func TestEveryKindEveryLanguage(t *testing.T) {
	s := loadSet(t)
	for _, lang := range Languages {
		for _, kind := range Kinds {
			if s.text[lang+"/"+kind] == nil || s.html[lang+"/"+kind] == nil {
				t.Errorf("%s/%s: text or HTML template missing", lang, kind)
				continue
			}
			for name, d := range everyVariant(kind) {
				r, err := s.Render(kind, lang, d)
				if err != nil {
					t.Fatalf("Render(%s, %s) %s: %v", kind, lang, name, err)
				}
				where := lang + "/" + kind + " " + name
				if !strings.HasPrefix(r.Text, parser.ReplyMarker+"\n\n") {
					t.Errorf("%s: text does not start with the marker line and a blank line:\n%s", where, r.Text)
				}
				if !strings.Contains(r.Text, "\n-- \nExample Support <support@desk.example>\n") {
					t.Errorf("%s: text is not signed:\n%s", where, r.Text)
				}
				if !strings.Contains(r.HTML, parser.ReplyMarker) {
					t.Errorf("%s: HTML lacks the marker:\n%s", where, r.HTML)
				}
				if strings.Contains(r.HTML, "<script>") || strings.Contains(r.HTML, `"x"`) {
					t.Errorf("%s: HTML holds customer markup unescaped:\n%s", where, r.HTML)
				}
				if !strings.Contains(r.HTML, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34;") {
					t.Errorf("%s: HTML does not show the escaped summary or text:\n%s", where, r.HTML)
				}
				for _, bad := range []string{"<no value>", "{{", "}}"} {
					if strings.Contains(r.Text, bad) || strings.Contains(r.HTML, bad) {
						t.Errorf("%s: rendering holds %q", where, bad)
					}
				}
				if strings.Contains(r.HTML, "class=") || strings.Contains(r.HTML, "<img") {
					t.Errorf("%s: HTML uses classes or images", where)
				}
			}
		}
	}
}

// TestStaffOnlyDetails: the requester's address, the department and the
// assignee reach customers in no notice; agents' notices show them.
func TestStaffOnlyDetails(t *testing.T) {
	s := loadSet(t)
	secret := []string{"anna@client.example", "OmniParcel", "ben@desk.example"}
	for _, lang := range Languages {
		for _, kind := range Kinds {
			d := sample(kind)
			d.Author, d.Text, d.Assignee = "Ben Agent", "Some text.", "ben@desk.example"
			d.Staff = false
			r, err := s.Render(kind, lang, d)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range secret {
				shown := strings.Contains(r.Text, v) || strings.Contains(r.HTML, v)
				if kind == KindOpened && !shown {
					t.Errorf("%s/%s: the agents' notice does not show %q", lang, kind, v)
				}
				if kind != KindOpened && shown {
					t.Errorf("%s/%s with Staff false shows %q", lang, kind, v)
				}
			}
			if kind == KindOpened || kind == KindAnswer || kind == KindTranscript {
				continue
			}
			d.Staff = true
			if r, err = s.Render(kind, lang, d); err != nil {
				t.Fatal(err)
			}
			for _, v := range secret {
				if !strings.Contains(r.Text, v) || !strings.Contains(r.HTML, v) {
					t.Errorf("%s/%s with Staff true does not show %q", lang, kind, v)
				}
			}
		}
	}
}

// TestTextLineLength: with short values, no line of a text body is longer
// than 76 characters.
func TestTextLineLength(t *testing.T) {
	s := loadSet(t)
	for _, lang := range Languages {
		for _, kind := range Kinds {
			for _, staff := range []bool{false, true} {
				for _, status := range []string{"new", "waiting_customer", "resolved", "closed", "cancelled"} {
					d := Data{Ref: "TKT-1", Summary: "Short", Client: "Acme", Severity: 1, Priority: "high",
						Department: "IT", Requester: "a@b.example", Assignee: "c@d.example", Status: status,
						OldStatus: "in_progress", Resolution: "quote_required", Escalated: true, RecipientName: "Anna",
						Staff: staff, DeskName: "Support", DeskAddress: "s@d.example", ReplyMarker: parser.ReplyMarker,
						Text: "Text", Author: "Ben", Reason: "Why", AutoCloseDays: 30}
					r, err := s.Render(kind, lang, d)
					if err != nil {
						t.Fatal(err)
					}
					for _, l := range strings.Split(r.Text, "\n") {
						if utf8.RuneCountInString(l) > 76 {
							t.Errorf("%s/%s (staff %v, %s): line of %d characters: %q",
								lang, kind, staff, status, utf8.RuneCountInString(l), l)
						}
					}
				}
			}
		}
	}
}

func TestResolvedSaysHowToAnswer(t *testing.T) {
	s := loadSet(t)
	closing := map[string][3]string{ // after 1 day, after 7 days, what only the closing sentence says
		"en": {"after 1 day.", "after 7 days.", "close by itself"},
		"de": {"nach 1 Tag automatisch", "nach 7 Tagen automatisch", "automatisch geschlossen"},
		"it": {"dopo 1 giorno.", "dopo 7 giorni.", "chiuso automaticamente"},
		"nl": {"na 1 dag automatisch", "na 7 dagen automatisch", "automatisch gesloten"},
	}
	for _, lang := range Languages {
		d := sample(KindResolved)
		for i, n := range []int{1, 7} {
			d.AutoCloseDays = n
			r, err := s.Render(KindResolved, lang, d)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"#resolved", "#retest failed", closing[lang][i]} {
				if !strings.Contains(r.Text, want) || !strings.Contains(r.HTML, want) {
					t.Errorf("%s, %d days: text or HTML does not say %q:\n%s", lang, n, want, r.Text)
				}
			}
		}
		d.AutoCloseDays = 0
		r, err := s.Render(KindResolved, lang, d)
		if err != nil {
			t.Fatal(err)
		}
		if c := closing[lang][2]; strings.Contains(r.Text, c) || strings.Contains(r.HTML, c) {
			t.Errorf("%s: with AutoCloseDays 0 the mail still says %q:\n%s", lang, c, r.Text)
		}
	}
}

func TestWords(t *testing.T) {
	states := []string{"new", "assigned", "in_progress", "waiting_customer", "dev_request", "resolved", "closed", "cancelled"}
	resolutions := []string{"fixed", "confirmed_by_customer", "no_response", "quote_required", "project_manager",
		"moved_department", "duplicate", "cancelled"}
	for _, lang := range Languages {
		w := words[lang]
		if w == nil {
			t.Fatalf("no words for %s", lang)
		}
		for _, k := range states {
			if w.status[k] == "" {
				t.Errorf("%s: no word for state %s", lang, k)
			}
		}
		for _, k := range resolutions {
			if w.resolution[k] == "" {
				t.Errorf("%s: no word for resolution %s", lang, k)
			}
		}
		if got := w.statusWord("waiting_customer", true); got == w.statusWord("waiting_customer") && lang != "de" {
			t.Errorf("%s: agents read the customer's word %q", lang, got)
		}
		if got := w.statusWord("nope"); got != "nope" {
			t.Errorf("%s: status nope = %q, want the key", lang, got)
		}
		if got := w.resolutionWord("nope"); got != "nope" {
			t.Errorf("%s: resolution nope = %q, want the key", lang, got)
		}
	}
	if got := words["de"].statusWord("waiting_customer"); got != "Rückmeldung" {
		t.Errorf("de waiting_customer = %q, want SEMCO's Rückmeldung", got)
	}
}

func TestTextFuncs(t *testing.T) {
	const in = "\r\n\n  first  \r\nsecond\r\n\r\n<b>&</b>\n\n"
	if got, want := trim(in), "  first\nsecond\n\n<b>&</b>"; got != want {
		t.Errorf("trim = %q, want %q", got, want)
	}
	if got, want := indent(in), "      first\n    second\n\n    <b>&</b>"; got != want {
		t.Errorf("indent = %q, want %q", got, want)
	}
	if got, want := string(lines(in)), "  first<br>\nsecond<br>\n<br>\n&lt;b&gt;&amp;&lt;/b&gt;"; got != want {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

func TestRenderLanguageFallback(t *testing.T) {
	s := loadSet(t)
	for _, kind := range Kinds {
		en, err := s.Render(kind, "en", sample(kind))
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"fr", "", "EN", "../en"} {
			got, err := s.Render(kind, lang, sample(kind))
			if err != nil {
				t.Fatalf("Render(%s, %q): %v", kind, lang, err)
			}
			if got != en {
				t.Errorf("Render(%s, %q) is not the en rendering:\n%s", kind, lang, got.Text)
			}
		}
	}
}

func TestRenderUnknownKind(t *testing.T) {
	s := loadSet(t)
	for _, kind := range []string{"nope", "", "ACK", "ack.txt", "../en/ack"} {
		r, err := s.Render(kind, "en", sample(KindAck))
		if err == nil || r != (Rendered{}) {
			t.Errorf("Render(%q) = %+v, %v; want a zero Rendered and an error", kind, r, err)
		}
	}
}

func TestRenderConcurrently(t *testing.T) {
	s := loadSet(t)
	want, err := s.Render(KindResolved, "it", sample(KindResolved))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan Rendered)
	for range 8 {
		go func() {
			r, _ := s.Render(KindResolved, "it", sample(KindResolved))
			done <- r
		}()
	}
	for range 8 {
		if got := <-done; got != want {
			t.Errorf("concurrent Render = %+v, want %+v", got, want)
		}
	}
}
