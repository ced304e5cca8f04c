package parser

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

const formDir = "../testdata/forms"

// formDesk is the field list a testdata/forms file is read with: the name's
// first part ("semco-de.txt" -> "semco"); "none" and others use "seko".
func formDesk(t testing.TB, name string) []FieldSpec {
	desk, _, _ := strings.Cut(name, "-")
	spec, ok := FieldList(desk)
	if !ok {
		spec, _ = FieldList("seko")
	}
	return spec
}

// formInputs reads one testdata/forms file as ReadForm's inputs: a .txt is
// the text, a .html the HTML, an .eml is parsed and gives both.
func formInputs(t testing.TB, file string) (text, html string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	switch filepath.Ext(file) {
	case ".html":
		return "", string(raw)
	case ".eml":
		msg, err := Parse(raw)
		if err != nil {
			t.Fatalf("Parse %s: %v", file, err)
		}
		return msg.Text, msg.HTML
	}
	return string(raw), ""
}

func formFiles(t testing.TB) []string {
	var files []string
	for _, ext := range []string{"txt", "html", "eml"} {
		m, err := filepath.Glob(filepath.Join(formDir, "*."+ext))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no forms in %s", formDir)
	}
	return files
}

// TestFormGolden reads every testdata/forms body and compares the Form, as
// indented JSON, with <name>.golden.json; for an .eml also the Form of its
// HTML part alone with <name>.html.golden.json. Run with -update to rewrite
// the golden files, then review the diff.
func TestFormGolden(t *testing.T) {
	for _, file := range formFiles(t) {
		base := filepath.Base(file)
		name := strings.TrimSuffix(base, filepath.Ext(base))
		t.Run(base, func(t *testing.T) {
			text, html := formInputs(t, file)
			spec := formDesk(t, name)
			checkGolden(t, filepath.Join(formDir, name+".golden.json"), ReadForm(text, html, spec))
			if filepath.Ext(file) == ".eml" {
				checkGolden(t, filepath.Join(formDir, name+".html.golden.json"), ReadForm("", html, spec))
			}
		})
	}
}

// sekoWant is what the SEKO testdata questionnaire says, however it is laid
// out: "Label: value", a pasted tab table, Outlook's plain text of a table,
// an Outlook HTML table.
var sekoWant = map[string]string{
	"description":               "Since 09:10 NZDT (Wed 12 Mar) labels for NZ Post return parcels fail to generate in OmniReturns.\nThe return portal shows a spinner and then \"Something went wrong\".",
	"all_orders":                "no",
	"frequency":                 "All returns from Auckland to Christchurch today, about 40 parcels; other routes work.",
	"consignments":              "KOG0007781203, sender Jane Doe, 14 Queen St, Auckland -> Kiwi Outdoor Gear returns depot, Christchurch",
	"api_request":               "",
	"error_message":             "Something went wrong (code RTN-502)",
	"consignment_list_attached": "yes",
	"platform":                  "OmniReturns",
	"account":                   "KOG-NZ-02 / Kiwi Outdoor Gear Ltd",
	"contact_phone":             "+64215550173",
	"other":                     "Returns to the Wellington depot are fine.",
}

// TestFormGoldenContent checks what the desk relies on in the testdata
// forms, independently of the golden files, so an -update cannot bless a
// regression in these properties.
func TestFormGoldenContent(t *testing.T) {
	seko := formDesk(t, "seko")
	read := func(file string, htmlOnly bool) Form {
		text, html := formInputs(t, filepath.Join(formDir, file))
		if htmlOnly {
			text = ""
		}
		return ReadForm(text, html, formDesk(t, file))
	}
	for _, tt := range []struct {
		file     string
		htmlOnly bool
		unknown  map[string]string
	}{
		{"seko-plain.txt", false, map[string]string{"Depot": "Christchurch returns"}},
		{"seko-tab-table.txt", false, map[string]string{}},
		{"seko-outlook.eml", false, map[string]string{}},
		{"seko-outlook.eml", true, map[string]string{}},
	} {
		f := read(tt.file, tt.htmlOnly)
		if !maps.Equal(f.Fields, sekoWant) {
			t.Errorf("%s (html only %v): Fields\n%q\nwant\n%q", tt.file, tt.htmlOnly, f.Fields, sekoWant)
		}
		if !maps.Equal(f.Unknown, tt.unknown) || len(f.Problems) > 0 {
			t.Errorf("%s: Unknown %q Problems %q, want %q and none", tt.file, f.Unknown, f.Problems, tt.unknown)
		}
		if len(f.Fields) != len(seko) {
			t.Errorf("%s: %d fields, want all %d", tt.file, len(f.Fields), len(seko))
		}
		for _, w := range []string{"labels for NZ Post", "KOG-NZ-02", "Christchurch returns", "+64 21", "Error message"} {
			if strings.Contains(f.Rest, w) {
				t.Errorf("%s: Rest %q holds %q, which is part of a field", tt.file, f.Rest, w)
			}
		}
		if header := "Questionnaire (to be included in your support request)"; tt.file != "seko-plain.txt" && !strings.Contains(f.Rest, header) {
			t.Errorf("%s: Rest %q lacks the table's header row", tt.file, f.Rest)
		}
	}

	semco := read("semco-de.txt", false)
	if semco.Fields["category"] != "bug" || semco.Fields["priority"] != "high" ||
		semco.Fields["summary"] != "Sammelrechnung bricht bei Kurs 24-117 ab" ||
		!strings.HasPrefix(semco.Fields["description"], "Beim Erstellen der Sammelrechnung") ||
		!strings.HasSuffix(semco.Fields["description"], "ist aber nicht möglich.") ||
		strings.Count(semco.Fields["steps"], "\n") != 2 ||
		semco.Fields["additional_info"] != "Seit dem Update auf Version 8.4 am Wochenende." ||
		semco.Unknown["Hinweis"] != "Screenshot der Fehlermeldung hängt an." {
		t.Errorf("semco-de: %+v", semco)
	}
	if !strings.HasPrefix(semco.Rest, "Sehr geehrte") || !strings.HasSuffix(semco.Rest, "Tel. +49 911 555 0142") || strings.Contains(semco.Rest, "Kurs 24-117") {
		t.Errorf("semco-de Rest = %q", semco.Rest)
	}

	sera := read("sera-nl.txt", false)
	if sera.Fields["urgency"] != "high" || sera.Fields["department"] != "datawijzer" ||
		sera.Fields["subject"] != "Contractexport naar ERP loopt vast" ||
		strings.Count(sera.Fields["problem"], "\n") != 2 ||
		sera.Fields["url"] != "https://backoffice.sera-klant.example/contracten/export?id=2024-0381" ||
		sera.Raw["urgency"] != "Hoog [verstoring tast één of meerdere cruciale onderdelen aan]" ||
		sera.Unknown["Screenshot"] != "bijgevoegd" {
		t.Errorf("sera-nl: %+v", sera)
	}

	text, _ := formInputs(t, filepath.Join(formDir, "none-prose.txt"))
	none := read("none-prose.txt", false)
	if len(none.Fields) != 0 || len(none.Unknown) != 0 || len(none.Problems) != 0 || none.Rest != strings.TrimSpace(text) {
		t.Errorf("none-prose: %+v, want no field and Rest = text", none)
	}

	fwd := read("seko-forwarded.txt", false)
	want := map[string]string{"description": "Tracking page shows error 500 again since 06:30 NZDT.", "all_orders": "yes", "contact_phone": "095550199"}
	if !maps.Equal(fwd.Fields, want) || fwd.Unknown["Previous ticket"] != "OPSD-48213" || len(fwd.Problems) > 0 ||
		!strings.Contains(fwd.Rest, "Error message: HTTP 500") {
		t.Errorf("seko-forwarded: %+v, want fields %q from the new mail only", fwd, want)
	}
}

// FuzzReadForm checks ReadForm's contract on any input: no panic, maps not
// nil, valid UTF-8, the HTML read only when the text yields no field, and
// nothing lost: every word (run of letters and digits) of every line of the
// text that was read appears in Rest, a Raw value, Unknown or the matched
// spec labels. Item numbers before a label ("1. ") are the one thing dropped.
func FuzzReadForm(f *testing.F) {
	for _, file := range formFiles(f) {
		if text, html := formInputs(f, file); len(text)+len(html) < 4000 {
			f.Add(text, html, uint8(0))
		}
	}
	for _, s := range []string{
		"", "\n\n", ":", "\t", "?", "Error message:", "Error message:\n\nx\n\nOther: y",
		"Is it happening to all orders? Y\nfoo: bar\n> Error: quoted",
		"Brief description of the issue including timestamp (and time zone) of the\nissue: x",
		"**Priorität:** Hoch\n1. Kategorie: Fehler\nKategorie\nUpgrade",
		"From: a\nSent: b\nTo: c\nError: d", "Error: a\nError: b\n\nx: \xff",
		"Consignment details (a): b\nConsignment: c\nPlatform which: d",
	} {
		f.Add(s, "", uint8(1))
	}
	f.Add("", "<table><tr><td>Error message:</td><td>x<br>y</td></tr><tr><td>Depot</td><td></td></tr></table><p>z", uint8(0))
	f.Add("", "<table><tr><td><table><tr><td>Kategorie<td>Fehler</table></td><td>a</td></tr></table>", uint8(1))
	f.Fuzz(func(t *testing.T, text, html string, desk uint8) {
		specs := [][]FieldSpec{sekoFields(), semcoFields(), seraFields(), nil}
		spec := specs[int(desk)%len(specs)]
		fromText := ReadForm(text, "", spec)
		got := ReadForm(text, html, spec)
		checkForm(t, got, spec)
		checkForm(t, fromText, spec)
		checkLossless(t, valid(text), fromText, spec)
		switch {
		case len(fromText.Fields) > 0 || len(got.Fields) == 0:
			if !reflect.DeepEqual(got, fromText) {
				t.Errorf("with HTML %+v, text alone %+v: the HTML must be read only when the text yields no field", got, fromText)
			}
		default:
			var lines []string
			for _, l := range htmlLines(valid(html)) {
				lines = append(lines, l.text)
			}
			checkLossless(t, strings.Join(lines, "\n"), got, spec)
		}
	})
}

func checkForm(t *testing.T, f Form, spec []FieldSpec) {
	t.Helper()
	if f.Fields == nil || f.Raw == nil || f.Unknown == nil {
		t.Fatalf("nil map in %+v", f)
	}
	for _, p := range f.Problems {
		if strings.HasPrefix(p, "form reader failure") {
			t.Fatalf("ReadForm panicked: %s", p)
		}
	}
	for _, bad := range invalidStrings(reflect.ValueOf(f), "Form") {
		t.Errorf("invalid UTF-8 in %s", bad)
	}
	for _, m := range []map[string]string{f.Fields, f.Raw, f.Unknown} {
		for k, v := range m {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				t.Errorf("invalid UTF-8 in map entry %q: %q", k, v)
			}
		}
	}
	if len(f.Fields) != len(f.Raw) {
		t.Errorf("Fields %q and Raw %q have different keys", f.Fields, f.Raw)
	}
	keys := map[string]bool{}
	for _, s := range spec {
		keys[s.Key] = true
	}
	for k := range f.Fields {
		if !keys[k] {
			t.Errorf("Fields has key %q that is in no spec", k)
		}
	}
}

var itemNumber = regexp.MustCompile(`^\s*\(?\d{1,2}[.)]\s+`)

func checkLossless(t *testing.T, input string, f Form, spec []FieldSpec) {
	t.Helper()
	have := map[string]bool{}
	add := func(s string) {
		for _, w := range words(s) {
			have[w] = true
		}
	}
	add(f.Rest)
	for _, m := range []map[string]string{f.Raw, f.Unknown} {
		for k, v := range m {
			add(k)
			add(v)
		}
	}
	for _, s := range spec {
		add(strings.Join(s.Labels, "\n"))
	}
	for _, line := range strings.Split(input, "\n") {
		line = itemNumber.ReplaceAllString(line, "")
		for _, w := range words(line) {
			if !have[w] {
				t.Errorf("word %q of line %q is lost: %+v", w, line, f)
				return
			}
		}
	}
}

// words are the runs of letters and digits of s, lower case.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

type formCase struct {
	name     string
	desk     string // FieldList name
	text     string
	html     string
	fields   map[string]string
	unknown  map[string]string // nil: none
	rest     string
	problems []string
}

func runFormCases(t *testing.T, cases []formCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			spec, ok := FieldList(tt.desk)
			if !ok {
				t.Fatalf("no field list %q", tt.desk)
			}
			got := ReadForm(tt.text, tt.html, spec)
			if tt.unknown == nil {
				tt.unknown = map[string]string{}
			}
			if !maps.Equal(got.Fields, tt.fields) {
				t.Errorf("Fields = %q, want %q", got.Fields, tt.fields)
			}
			if !maps.Equal(got.Unknown, tt.unknown) {
				t.Errorf("Unknown = %q, want %q", got.Unknown, tt.unknown)
			}
			if got.Rest != tt.rest {
				t.Errorf("Rest = %q, want %q", got.Rest, tt.rest)
			}
			if strings.Join(got.Problems, "|") != strings.Join(tt.problems, "|") {
				t.Errorf("Problems = %q, want %q", got.Problems, tt.problems)
			}
		})
	}
}

// TestReadFormLayout covers where a field's value starts and ends.
func TestReadFormLayout(t *testing.T) {
	runFormCases(t, []formCase{
		{name: "colon", desk: "seko", text: "Error message: Label generation failed: printer profile not found",
			fields: map[string]string{"error_message": "Label generation failed: printer profile not found"}},
		{name: "tab table with header row", desk: "seko",
			text:   "Questionnaire (to be included in your support request)\tResponse\nError message:\tHTTP 500\nOther relevant information:\t",
			fields: map[string]string{"error_message": "HTTP 500", "other": ""},
			rest:   "Questionnaire (to be included in your support request)\tResponse"},
		{name: "CRLF and time colons", desk: "seko", text: "Brief description: since 07:45 AEDT\r\nError message: none\r\n",
			fields: map[string]string{"description": "since 07:45 AEDT", "error_message": "none"}},
		{name: "value on the next lines until the next label", desk: "seko",
			text:   "Brief description:\nNo labels since 07:45.\nThe job is sent but nothing prints.\nError message:\nPrinter profile not found",
			fields: map[string]string{"description": "No labels since 07:45.\nThe job is sent but nothing prints.", "error_message": "Printer profile not found"}},
		{name: "blank line then label ends the value", desk: "seko",
			text:   "Brief description: labels fail\nsince this morning\n\nError message: none",
			fields: map[string]string{"description": "labels fail\nsince this morning", "error_message": "none"}},
		{name: "paragraph between two labels belongs to the first", desk: "semco",
			text:   "Beschreibung: Der Export bricht ab.\n\nAndere Kurse gehen.\n\nZusammenfassung: Export",
			fields: map[string]string{"description": "Der Export bricht ab.\n\nAndere Kurse gehen.", "summary": "Export"}},
		{name: "paragraph after the last field is Rest", desk: "seko",
			text:   "Other relevant information: none\n\nKind regards,\nPriya",
			fields: map[string]string{"other": "none"}, rest: "Kind regards,\nPriya"},
		{name: "blank label before a signature stays blank", desk: "seko",
			text:   "Error message: x\nOther relevant information:\n\nKind regards,\nPriya",
			fields: map[string]string{"error_message": "x", "other": ""}, rest: "Kind regards,\nPriya"},
		{name: "empty value before the next label", desk: "seko",
			text:   "Full API request, Response and API key (attach or copy/paste):\nError message: timeout",
			fields: map[string]string{"api_request": "", "error_message": "timeout"}},
		{name: "blank layout: every value after a blank line", desk: "seko",
			text:   "Error message:\n\nHTTP 500\n\nIs it happening to all orders (Y/N):\n\nY\n\nOther relevant information:\n\nStarted at 8.\n\nThanks,\nSam",
			fields: map[string]string{"error_message": "HTTP 500", "all_orders": "yes", "other": "Started at 8."}, rest: "Thanks,\nSam"},
		{name: "moved bracket", desk: "seko", text: "Is it happening to all orders? (Y/N): N",
			fields: map[string]string{"all_orders": "no"}},
		{name: "one line for a yes/no field", desk: "seko",
			text:   "Is it happening to all orders (Y/N): N\nonly the ones to NZ\nError message: none",
			fields: map[string]string{"all_orders": "no", "error_message": "none"}, rest: "only the ones to NZ"},
		{name: "bare label takes the next line", desk: "semco",
			text:   "Kategorie\nFehler\nPriorität\nHoch\nZusammenfassung\nDruck fällt aus",
			fields: map[string]string{"category": "bug", "priority": "high", "summary": "Druck fällt aus"}},
		{name: "first line after a bare label is its value even if it looks like a label", desk: "seko",
			text:   "Error message:\nConnection refused: timeout after 30 s\nOther relevant information: none",
			fields: map[string]string{"error_message": "Connection refused: timeout after 30 s", "other": "none"}},
		{name: "label wrapped over two lines", desk: "seko",
			text:   "Brief description of the issue including timestamp (and time zone) of the\nissue: labels fail since 07:45\nError message: none",
			fields: map[string]string{"description": "labels fail since 07:45", "error_message": "none"}},
		{name: "the same field twice", desk: "seko",
			text:     "Error message: first\nError message: second",
			fields:   map[string]string{"error_message": "first"},
			rest:     "Error message: second",
			problems: []string{`field "error_message" given twice; the first value is kept, the second stays in the text`}},
		{name: "empty first then filled", desk: "seko", text: "Error message:\n\nError message: late",
			fields: map[string]string{"error_message": "late"}},
		{name: "no form at all", desk: "seko",
			text:   "Hi,\n\nNote: the printer is fine.\nStatus: slow since Monday.\n\nThanks",
			fields: map[string]string{}, rest: "Hi,\n\nNote: the printer is fine.\nStatus: slow since Monday.\n\nThanks"},
	})
}

// TestReadFormUnknown covers which label lines in no spec go to Unknown.
func TestReadFormUnknown(t *testing.T) {
	runFormCases(t, []formCase{
		{name: "between fields", desk: "seko", text: "Error message: x\n\nDepot: Sydney\n\nOther relevant information: y",
			fields: map[string]string{"error_message": "x", "other": "y"}, unknown: map[string]string{"Depot": "Sydney"}},
		{name: "in the paragraph of a field", desk: "seko", text: "Intro\n\nError message: x\nClient ID: ACME\n\nBye",
			fields: map[string]string{"error_message": "x"}, unknown: map[string]string{"Client ID": "ACME"}, rest: "Intro\n\nBye"},
		{name: "outside the form", desk: "seko", text: "Note: the printer is fine.\n\nError message: x\n\nPS: call me",
			fields: map[string]string{"error_message": "x"}, rest: "Note: the printer is fine.\n\nPS: call me"},
		{name: "long label is prose", desk: "seko", text: "Error message: x\nThe error we see in the portal today: y",
			fields: map[string]string{"error_message": "x\nThe error we see in the portal today: y"}},
		{name: "label with digits is prose", desk: "seko", text: "Error message: x\nHTTP 500: Internal",
			fields: map[string]string{"error_message": "x\nHTTP 500: Internal"}},
		{name: "indented or bulleted is prose", desk: "seko", text: "Error message: x\n  Depot: Sydney\n- Site: Perth",
			fields: map[string]string{"error_message": "x\n  Depot: Sydney\n- Site: Perth"}},
		{name: "a URL is not a label", desk: "sera", text: "Onderwerp: export\nhttps://example.nl/x",
			fields: map[string]string{"subject": "export\nhttps://example.nl/x"}},
		{name: "twice is joined", desk: "seko", text: "Error message: x\nNote: one\nNote: two",
			fields: map[string]string{"error_message": "x"}, unknown: map[string]string{"Note": "one\ntwo"}},
		{name: "bold unknown label", desk: "semco", text: "**Kategorie:** Fehler\n**Modul:** Abrechnung",
			fields: map[string]string{"category": "bug"}, unknown: map[string]string{"Modul": "Abrechnung"}},
	})
}

// TestReadFormTrail covers quoted and forwarded mail below a form.
func TestReadFormTrail(t *testing.T) {
	runFormCases(t, []formCase{
		{name: "quoted lines are never labels", desk: "seko", text: "Error message: x\n> Other relevant information: old",
			fields: map[string]string{"error_message": "x\n> Other relevant information: old"}},
		{name: "attribution line ends the form", desk: "seko",
			text:   "Error message: new\n\nOn Mon, 3 Mar 2025, Sam wrote:\nError message: old\nOther relevant information: old",
			fields: map[string]string{"error_message": "new"},
			rest:   "On Mon, 3 Mar 2025, Sam wrote:\nError message: old\nOther relevant information: old"},
		{name: "German header block ends the form", desk: "sera",
			text:   "Onderwerp: nieuw\n\nVon: Sam\nGesendet: Montag\nAn: support\nBetreff: alt\n\nOnderwerp: alt",
			fields: map[string]string{"subject": "nieuw"},
			rest:   "Von: Sam\nGesendet: Montag\nAn: support\nBetreff: alt\n\nOnderwerp: alt"},
		{name: "form only in the forwarded mail is read", desk: "sera",
			text:   "Zie hieronder.\n\nVan: Sanne\nVerzonden: maandag\nAan: support\nOnderwerp: Export loopt vast\n\nUrgentie: Laag",
			fields: map[string]string{"urgency": "low"},
			rest:   "Zie hieronder.\n\nVan: Sanne\nVerzonden: maandag\nAan: support\nOnderwerp: Export loopt vast"},
		{name: "two header lines are not a block", desk: "sera", text: "Onderwerp: export\nDatum: 3 maart",
			fields: map[string]string{"subject": "export"}, unknown: map[string]string{"Datum": "3 maart"}},
	})
}

// TestReadFormHTML covers HTML tables and when the HTML is read.
func TestReadFormHTML(t *testing.T) {
	table := `<html><head><style>td {color:red}</style><title>x</title></head><body><p>Hello,</p>
<table><tr><th>Questionnaire</th><th>Response</th></tr>
<tr><td><b>Error message:</b></td><td>HTTP 500<br>since 08:00</td></tr>
<tr><td>Is it happening to all orders (Y/N):</td><td>&nbsp;</td></tr>
<tr><td>Depot</td><td>Sydney</td></tr>
<tr><td>Best contact number</td><td>+61 2 5550 1234</td></tr></table><p>Regards</p></body></html>`
	runFormCases(t, []formCase{
		{name: "table rows", desk: "seko", html: table,
			fields:  map[string]string{"error_message": "HTTP 500\nsince 08:00", "all_orders": "", "contact_phone": "+61255501234"},
			unknown: map[string]string{"Depot": "Sydney"}, rest: "Hello,\n\nQuestionnaire\tResponse\n\nRegards"},
		{name: "read when the text yields nothing", desk: "seko", text: "*Error message* HTTP 500 *Depot* Sydney", html: table,
			fields:  map[string]string{"error_message": "HTTP 500\nsince 08:00", "all_orders": "", "contact_phone": "+61255501234"},
			unknown: map[string]string{"Depot": "Sydney"}, rest: "Hello,\n\nQuestionnaire\tResponse\n\nRegards"},
		{name: "not read when the text has fields", desk: "seko", text: "Error message: from text", html: table,
			fields: map[string]string{"error_message": "from text"}},
		{name: "text without fields kept when the HTML has none either", desk: "seko", text: "Hi", html: "<p>Hi</p>",
			fields: map[string]string{}, rest: "Hi"},
		{name: "layout table around a form table", desk: "semco",
			html:   `<table><tr><td>Kopf</td><td><table><tr><td>Kategorie:</td><td>Upgrade</td></tr><tr><td>Priorität:</td><td>Niedrig</td></tr></table></td><td>Fuß</td></tr></table>`,
			fields: map[string]string{"category": "upgrade", "priority": "low"}, rest: "Kopf\n\nFuß"},
		{name: "vertical table, label and value rows", desk: "sera",
			html:   `<table><tr><td>Urgentie</td></tr><tr><td>Vraag</td></tr><tr><td>URL link</td></tr><tr><td><a href="https://x.example/a">https://x.example/a</a></td></tr></table>`,
			fields: map[string]string{"urgency": "question", "url": "https://x.example/a"}},
		{name: "paragraph labels in HTML", desk: "sera", html: `<p><b>Onderwerp:</b> Export</p><p><b>Afdeling:</b> SERA Alphens.nl</p>`,
			fields: map[string]string{"subject": "Export", "department": "alphens"}},
	})
}

// TestReadFormHTMLOnlyMail reads the HTML-only web form mail of
// testdata/mail: its text (from enmime) holds the table on one line, so the
// HTML is read.
func TestReadFormHTMLOnlyMail(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(mailDir, "html-only-webform.eml"))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := Parse(raw)
	f := ReadForm(msg.Text, msg.HTML, sekoFields())
	want := map[string]string{"description": `Tracking page shows "Error 500" for every consignment since 20:50 UTC.`, "all_orders": "yes", "contact_phone": "+6495550199"}
	if !maps.Equal(f.Fields, want) || f.Unknown["Name"] != "Sam Okafor" || !strings.Contains(f.Rest, "Submitted via the Acme Freight portal") {
		t.Errorf("ReadForm = %+v, want fields %q, Unknown Name and the footer in Rest", f, want)
	}
}
