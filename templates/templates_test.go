package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Amsterdam without the system's zone files
	"unicode/utf8"

	"postdesk/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files in "+goldenDir)

// goldenDir holds LANG/KIND.txt and LANG/KIND.html, rendered from sample.
const goldenDir = "../testdata/golden/templates"

// hostile is customer input that must arrive escaped in HTML.
const hostile = `<script>alert(1)</script> & "x"`

// amsterdam is the desk's location in the samples.
var amsterdam = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return l
}()

// opensAt and closeAt are the samples' OpensAt and CloseAt: a Monday
// morning and a Thursday afternoon in Amsterdam.
var (
	opensAt = time.Date(2026, 11, 23, 8, 0, 0, 0, amsterdam)
	closeAt = time.Date(2026, 12, 10, 17, 30, 0, 0, amsterdam)
)

// opensAtWords and closeAtWords are opensAt and closeAt as each language
// writes them.
var (
	opensAtWords = map[string]string{
		"en": "Monday 23 November 2026, 08:00 (Europe/Amsterdam)",
		"de": "Montag, 23. November 2026, 08:00 Uhr (Europe/Amsterdam)",
		"it": "lunedì 23 novembre 2026, 08:00 (Europe/Amsterdam)",
		"nl": "maandag 23 november 2026, 08:00 (Europe/Amsterdam)",
	}
	closeAtWords = map[string]string{
		"en": "Thursday 10 December 2026, 17:30 (Europe/Amsterdam)",
		"de": "Donnerstag, 10. Dezember 2026, 17:30 Uhr (Europe/Amsterdam)",
		"it": "giovedì 10 dicembre 2026, 17:30 (Europe/Amsterdam)",
		"nl": "donderdag 10 december 2026, 17:30 (Europe/Amsterdam)",
	}
)

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
	case KindResolved, KindReminder:
		d.Status, d.Resolution, d.Reason, d.AutoCloseDays = "resolved", "fixed", "printer driver updated", 30
		d.Text = "The label printer driver was updated.\n" + hostile
		if kind == KindReminder {
			d.CloseAt = closeAt
		}
	case KindEscalation:
		d.Escalated, d.Reason, d.Author, d.RecipientName, d.Staff = true, "all orders are affected", "anna@client.example", "Carla Manager", true
	case KindTranscript:
		d.Text = "> #status\nTKT-42 is in progress, severity 2\n> #share " + hostile + "\nNot taken: not an address"
	}
	return d
}

// goldenCase is one golden pair, LANG/NAME.txt and LANG/NAME.html: kind
// rendered with d.
type goldenCase struct {
	name, kind string
	d          Data
}

// goldenCases are every kind with its sample, and the variants showing what
// only some notices say: the mail that arrived outside office hours, the
// urgent ticket for the agent on call, the resolved ticket's closing date.
func goldenCases() []goldenCase {
	var cs []goldenCase
	for _, kind := range Kinds {
		cs = append(cs, goldenCase{kind, kind, sample(kind)})
	}
	afterHours := sample(KindAck)
	afterHours.OpensAt = opensAt
	urgent := sample(KindOpened)
	urgent.Urgent = true
	closing := sample(KindResolved)
	closing.CloseAt = closeAt
	return append(cs, goldenCase{"ack-after-hours", KindAck, afterHours}, goldenCase{"opened-urgent", KindOpened, urgent},
		goldenCase{"resolved-close-at", KindResolved, closing})
}

func TestGolden(t *testing.T) {
	s := loadSet(t)
	for _, lang := range Languages {
		for _, c := range goldenCases() {
			r, err := s.Render(c.kind, lang, c.d)
			if err != nil {
				t.Fatalf("Render(%s, %s): %v", c.name, lang, err)
			}
			for ext, got := range map[string]string{".txt": r.Text, ".html": r.HTML} {
				path := filepath.Join(goldenDir, lang, c.name+ext)
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

// everyVariant is sample data of every kind and both audiences, the same
// with OpensAt, CloseAt and Urgent set, and the same with only the fields
// every notice has.
func everyVariant(kind string) map[string]Data {
	full := sample(kind)
	sparse := Data{Ref: "TKT-1", Summary: hostile, Severity: 3, Requester: "anna@client.example", Status: "new",
		DeskName: "Example Support", DeskAddress: "support@desk.example", ReplyMarker: parser.ReplyMarker, Text: hostile}
	v := map[string]Data{}
	for _, staff := range []bool{false, true} {
		full.Staff, sparse.Staff = staff, staff
		name := map[bool]string{false: "customer", true: "staff"}[staff]
		v["full "+name], v["sparse "+name] = full, sparse
		timed := full
		timed.OpensAt, timed.CloseAt, timed.Urgent = opensAt, closeAt, true
		v["timed "+name] = timed
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
// than 76 characters, also with the longest dates in a European zone.
func TestTextLineLength(t *testing.T) {
	s := loadSet(t)
	dates := []time.Time{{}, // no time-driven field set
		time.Date(2026, 9, 30, 17, 30, 0, 0, amsterdam), // Wednesday, mercoledì, woensdag
		time.Date(2026, 9, 24, 17, 30, 0, 0, amsterdam), // Donnerstag, giovedì, donderdag
	}
	for _, lang := range Languages {
		for _, kind := range Kinds {
			for _, staff := range []bool{false, true} {
				for _, status := range []string{"new", "waiting_customer", "resolved", "closed", "cancelled"} {
					for _, date := range dates {
						d := Data{Ref: "TKT-1", Summary: "Short", Client: "Acme", Severity: 1, Priority: "high",
							Department: "IT", Requester: "a@b.example", Assignee: "c@d.example", Status: status,
							OldStatus: "in_progress", Resolution: "quote_required", Escalated: true, RecipientName: "Anna",
							Staff: staff, DeskName: "Support", DeskAddress: "s@d.example", ReplyMarker: parser.ReplyMarker,
							Text: "Text", Author: "Ben", Reason: "Why", AutoCloseDays: 30,
							OpensAt: date, CloseAt: date, Urgent: !date.IsZero()}
						r, err := s.Render(kind, lang, d)
						if err != nil {
							t.Fatal(err)
						}
						for _, l := range strings.Split(r.Text, "\n") {
							if utf8.RuneCountInString(l) > 76 {
								t.Errorf("%s/%s (staff %v, %s, %v): line of %d characters: %q",
									lang, kind, staff, status, date, utf8.RuneCountInString(l), l)
							}
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
		d.CloseAt = closeAt // says when instead of after how many days
		r, err := s.Render(KindResolved, lang, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{closing[lang][2], closeAtWords[lang]} {
			if !strings.Contains(r.Text, want) || !strings.Contains(r.HTML, want) {
				t.Errorf("%s with CloseAt: text or HTML does not say %q:\n%s", lang, want, r.Text)
			}
		}
		if c := closing[lang][1]; strings.Contains(r.Text, c) || strings.Contains(r.HTML, c) {
			t.Errorf("%s with CloseAt: the mail still says %q:\n%s", lang, c, r.Text)
		}
		d.CloseAt, d.AutoCloseDays = time.Time{}, 0
		if r, err = s.Render(KindResolved, lang, d); err != nil {
			t.Fatal(err)
		}
		if c := closing[lang][2]; strings.Contains(r.Text, c) || strings.Contains(r.HTML, c) {
			t.Errorf("%s: with AutoCloseDays 0 the mail still says %q:\n%s", lang, c, r.Text)
		}
	}
}

// closesBy is what only the sentence on when a ticket closes by itself
// says, in each language.
var closesBy = map[string]string{"en": "close by itself", "de": "automatisch geschlossen",
	"it": "chiuso automaticamente", "nl": "automatisch gesloten"}

func TestReminderSaysWhenAndHow(t *testing.T) {
	s := loadSet(t)
	for _, lang := range Languages {
		d := sample(KindReminder)
		r, err := s.Render(KindReminder, lang, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"#resolved", "#retest failed", closesBy[lang], closeAtWords[lang]} {
			if !strings.Contains(r.Text, want) || !strings.Contains(r.HTML, want) {
				t.Errorf("%s: text or HTML does not say %q:\n%s", lang, want, r.Text)
			}
		}
		d.Staff = true // agents or a manager among the participants
		if r, err = s.Render(KindReminder, lang, d); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Text, closeAtWords[lang]) || !strings.Contains(r.HTML, closeAtWords[lang]) {
			t.Errorf("%s, staff: text or HTML does not say when the ticket closes:\n%s", lang, r.Text)
		}
		d.Staff, d.CloseAt = false, time.Time{}
		if r, err = s.Render(KindReminder, lang, d); err != nil {
			t.Fatal(err)
		}
		if c := closesBy[lang]; strings.Contains(r.Text, c) || strings.Contains(r.HTML, c) {
			t.Errorf("%s: without CloseAt the reminder still says %q:\n%s", lang, c, r.Text)
		}
	}
}

func TestAckAfterHours(t *testing.T) {
	s := loadSet(t)
	outside := map[string]string{"en": "outside our office hours", "de": "außerhalb unserer Geschäftszeiten",
		"it": "fuori dal nostro orario d'ufficio", "nl": "buiten onze kantooruren"}
	for _, lang := range Languages {
		for _, staff := range []bool{false, true} {
			d := sample(KindAck)
			d.Staff = staff
			r, err := s.Render(KindAck, lang, d)
			if err != nil {
				t.Fatal(err)
			}
			html := strings.ReplaceAll(r.HTML, "&#39;", "'")
			if strings.Contains(r.Text, outside[lang]) || strings.Contains(html, outside[lang]) {
				t.Errorf("%s: without OpensAt the ack says %q:\n%s", lang, outside[lang], r.Text)
			}
			d.OpensAt = opensAt
			if r, err = s.Render(KindAck, lang, d); err != nil {
				t.Fatal(err)
			}
			html = strings.ReplaceAll(r.HTML, "&#39;", "'")
			for _, want := range []string{outside[lang], opensAtWords[lang]} {
				if strings.Count(r.Text, want) != 1 || strings.Count(html, want) != 1 {
					t.Errorf("%s (staff %v) with OpensAt: text or HTML does not say %q once:\n%s", lang, staff, want, r.Text)
				}
			}
		}
	}
}

func TestOpenedUrgent(t *testing.T) {
	s := loadSet(t)
	line := map[string]string{
		"en": "URGENT, outside office hours: you are on call for this ticket.",
		"de": "DRINGEND, außerhalb der Geschäftszeiten: Ihre Rufbereitschaft ist gefragt.",
		"it": "URGENTE, fuori dall'orario d'ufficio: Lei è reperibile per questo ticket.",
		"nl": "SPOED, buiten kantooruren: u hebt bereikbaarheidsdienst voor dit ticket.",
	}
	for _, lang := range Languages {
		d := sample(KindOpened)
		r, err := s.Render(KindOpened, lang, d)
		if err != nil {
			t.Fatal(err)
		}
		word, _, _ := strings.Cut(line[lang], ",")
		if strings.Contains(r.Text, word) || strings.Contains(r.HTML, word) {
			t.Errorf("%s: a ticket that is not urgent is called %q:\n%s", lang, word, r.Text)
		}
		d.Urgent = true
		if r, err = s.Render(KindOpened, lang, d); err != nil {
			t.Fatal(err)
		}
		if want := parser.ReplyMarker + "\n\n" + line[lang] + "\n\n"; !strings.HasPrefix(r.Text, want) {
			t.Errorf("%s: the urgent notice's text does not start with %q:\n%s", lang, want, r.Text)
		}
		head, tail, _ := strings.Cut(line[lang], ": ")
		html := strings.ReplaceAll(r.HTML, "&#39;", "'")
		if want := head + ":</strong> " + tail; !strings.Contains(html, want) ||
			strings.Index(html, want) > strings.Index(html, "<p style=\"margin: 0 0 12px 0;\">") {
			t.Errorf("%s: the urgent notice's HTML does not start with %q:\n%s", lang, want, r.HTML)
		}
	}
}

func TestDate(t *testing.T) {
	sunday := time.Date(2026, 3, 1, 9, 5, 0, 0, amsterdam)
	tests := []struct {
		lang string
		t    time.Time
		want string
	}{
		{"en", opensAt, "Monday 23 November 2026, 08:00 (Europe/Amsterdam)"},
		{"de", opensAt, "Montag, 23. November 2026, 08:00 Uhr (Europe/Amsterdam)"},
		{"it", opensAt, "lunedì 23 novembre 2026, 08:00 (Europe/Amsterdam)"},
		{"nl", opensAt, "maandag 23 november 2026, 08:00 (Europe/Amsterdam)"},
		{"en", sunday, "Sunday 1 March 2026, 09:05 (Europe/Amsterdam)"},
		{"de", sunday, "Sonntag, 1. März 2026, 09:05 Uhr (Europe/Amsterdam)"},
		{"it", sunday, "domenica 1 marzo 2026, 09:05 (Europe/Amsterdam)"},
		{"nl", sunday, "zondag 1 maart 2026, 09:05 (Europe/Amsterdam)"},
		// in its own location, not converted: 08:00 in Amsterdam is 07:00 UTC
		{"en", opensAt.UTC(), "Monday 23 November 2026, 07:00 (UTC)"},
		{"en", time.Date(2026, 12, 31, 23, 59, 0, 0, time.FixedZone("CET", 3600)), "Thursday 31 December 2026, 23:59 (CET)"},
		{"en", time.Date(2026, 1, 2, 10, 0, 0, 0, time.FixedZone("", 5400)), "Friday 2 January 2026, 10:00 (UTC+01:30)"},
		{"fr", opensAt, "Monday 23 November 2026, 08:00 (Europe/Amsterdam)"}, // English for others
	}
	for _, tc := range tests {
		if got := wordsOf(tc.lang).dateWord(tc.t); got != tc.want {
			t.Errorf("%s date %v = %q, want %q", tc.lang, tc.t, got, tc.want)
		}
	}
	for _, lang := range Languages {
		if got := words[lang].dateWord(time.Time{}); got != "" {
			t.Errorf("%s date of the zero time = %q, want \"\"", lang, got)
		}
		if got := words[lang].dateWord(opensAt.Local()); strings.Contains(got, "Local") {
			t.Errorf("%s date in time.Local = %q, names no zone", lang, got)
		}
		w := words[lang]
		for i, n := range append(w.weekdays[:], w.months[:]...) {
			if n == "" {
				t.Errorf("%s: name %d of the date table is empty", lang, i)
			}
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

// A desk's own words for states (OCS: "on hold") are what its customers
// read in both bodies; agents keep the shipped staff word, and other
// languages and states keep theirs.
func TestDeskStatusWords(t *testing.T) {
	s := loadSet(t)
	s.SetStatusWords(map[string]map[string]string{"en": {"waiting_customer": "on hold", "in_progress": "open"}})
	d := sample(KindStatus) // in_progress -> waiting_customer
	r, err := s.Render(KindStatus, "en", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{r.Text, r.HTML} {
		if !strings.Contains(body, "on hold") || !strings.Contains(body, "open") || strings.Contains(body, "waiting for your answer") {
			t.Errorf("customer's status notice:\n%s", body)
		}
	}
	d.Staff = true
	if r, err = s.Render(KindStatus, "en", d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "waiting for the customer") {
		t.Errorf("agents' status notice:\n%s", r.Text)
	}
	d.Staff = false
	if r, err = s.Render(KindStatus, "de", d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "Rückmeldung") || strings.Contains(r.Text, "on hold") {
		t.Errorf("German status notice:\n%s", r.Text)
	}
}
