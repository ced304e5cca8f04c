// Package templates renders the notices postdesk mails: one template pair
// (text and HTML) per kind of notice and language, embedded in the binary,
// which a desk may override file by file from a folder of its own.
//
// A template file is mail/LANG/KIND.txt.tmpl or mail/LANG/KIND.html.tmpl
// (LANG one of Languages, KIND one of Kinds). The text file defines the block
// "text" and is rendered with text/template; the HTML file defines the block
// "html" and is rendered with html/template, so every customer-supplied
// string is escaped in HTML. Every text body starts with Data.ReplyMarker and
// a blank line, and the HTML body shows the marker at its top. There is no
// subject: the gateway gives every mail of a ticket the same subject.
//
// Templates may call these functions, whose words are those of the
// template's language:
//
//	status KEY          the ticket state KEY as the customer reads it
//	                    ("waiting for your answer"); status KEY .Staff
//	                    gives the agents' word ("waiting for the
//	                    customer") when .Staff is true
//	resolution KEY      the resolution KEY ("fixed", "duplicate of another
//	                    ticket")
//	date TIME           the time.Time TIME in its own location as a full
//	                    local date and time with the zone's name ("Monday
//	                    23 November 2026, 08:00 (Europe/Amsterdam)"); ""
//	                    for the zero time, so {{with date .OpensAt}}
//	                    shows what follows only when OpensAt is set
//	trim TEXT           TEXT without leading and trailing blank lines and
//	                    without trailing spaces
//	indent TEXT         text only: trimmed TEXT with every line indented by
//	                    4 spaces, to quote it
//	lines TEXT          HTML only: trimmed TEXT escaped, its line breaks
//	                    kept as <br> (Outlook ignores white-space: pre-wrap)
//
// Unknown state and resolution keys render as the key itself.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"
)

// The kinds of notice, one template pair each. What each one tells whom:
const (
	// KindAck goes to the requester (and the participants copied) of a new
	// ticket: its reference, what happens next, how to reply; when OpensAt
	// is set, that the mail arrived outside office hours and is taken up
	// from then.
	KindAck = "ack"
	// KindOpened goes to agents: a new ticket in their queue, with its
	// requester, severity, priority, department and the mail's Text; when
	// Urgent, it starts by telling them that they are on call for it.
	KindOpened = "opened"
	// KindReply goes to agents (or participants): a customer's reply; Author
	// wrote Text.
	KindReply = "reply"
	// KindAnswer relays an agent's answer to customers: Author wrote Text; a
	// status line ends it.
	KindAnswer = "answer"
	// KindStatus tells of a change of state: OldStatus to Status, by Author,
	// Reason optional.
	KindStatus = "status"
	// KindResolved tells that the ticket is resolved (Resolution) and how to
	// confirm it or say the fix failed; when CloseAt is set, that the
	// ticket closes by itself then without an answer, else, when
	// AutoCloseDays > 0, after that many days without an answer.
	KindResolved = "resolved"
	// KindReminder goes to the requester (and the participants) of a
	// resolved ticket nobody has confirmed: it was resolved, closes by
	// itself at CloseAt without an answer, and how to confirm it or say the
	// fix failed.
	KindReminder = "reminder"
	// KindEscalation tells the account manager or the assignee that the
	// ticket was escalated, and why (Reason).
	KindEscalation = "escalation"
	// KindTranscript tells what a mail's commands did; Text is the
	// preformatted transcript.
	KindTranscript = "transcript"
)

// Kinds lists every kind of notice. Every language has a text and an HTML
// template of each.
var Kinds = []string{KindAck, KindOpened, KindReply, KindAnswer, KindStatus, KindResolved, KindReminder, KindEscalation,
	KindTranscript}

// Languages lists the languages of the embedded templates. Render falls back
// to the first, "en", for any other.
var Languages = []string{"en", "de", "it", "nl"}

// fallbackLanguage is rendered when the asked language has no template of
// the kind.
const fallbackLanguage = "en"

//go:embed mail
var embedded embed.FS

// Data is what a template may show. Every string may come from a customer;
// the HTML templates escape them all.
type Data struct {
	// Ref is the ticket's reference ("TKT-42"), Summary its one-line
	// summary, Client the customer's organisation ("" when unknown).
	Ref, Summary, Client string
	// Severity (1 is the most severe), Priority and Department are the
	// ticket's; Priority and Department may be "".
	Severity   int
	Priority   string
	Department string
	// Requester is the address of the requester.
	Requester string
	// Assignee is the address of the agent in charge, "" when unassigned.
	Assignee string
	// Status is the ticket's state key now: new, assigned, in_progress,
	// waiting_customer, dev_request, resolved, closed or cancelled.
	Status string
	// OldStatus is the state key before the change, for KindStatus; ""
	// otherwise.
	OldStatus string
	// Resolution is the resolution key: fixed, confirmed_by_customer,
	// no_response, quote_required, project_manager, moved_department,
	// duplicate, cancelled, or "".
	Resolution string
	// Escalated is true when the ticket has been escalated.
	Escalated bool
	// RecipientName is the recipient's name, "" when unknown.
	RecipientName string
	// Staff is true when the recipient is an agent or a manager; only then
	// do notices that may reach customers show the requester, the
	// department and the assignee.
	Staff bool
	// DeskName and DeskAddress sign every notice: "DeskName <DeskAddress>".
	DeskName, DeskAddress string
	// ReplyMarker is the line above which a customer's reply is read
	// (parser.ReplyMarker): the first line of every text body and the top
	// of every HTML body.
	ReplyMarker string
	// Text is the notice's own preformatted content: an agent's answer, a
	// customer's reply, a command transcript, the new ticket's text.
	Text string
	// Author is who wrote Text or made the change (a name or an address).
	Author string
	// Reason is why it happened (an escalation's or a change's reason),
	// may be "".
	Reason string
	// AutoCloseDays is after how many days without an answer a resolved
	// ticket closes by itself; 0 when it does not.
	AutoCloseDays int
	// OpensAt is set on a KindAck when the mail arrived outside the desk's
	// office hours: when the desk takes it up (its office hours' next
	// start), in the desk's location. The zero time otherwise.
	OpensAt time.Time
	// CloseAt is when a resolved ticket closes by itself without an
	// answer, in the desk's location: what KindReminder announces, and
	// KindResolved shows it instead of AutoCloseDays when set. The zero
	// time when the ticket does not close by itself.
	CloseAt time.Time
	// Urgent is set on a KindOpened to the agents on call: the ticket is
	// urgent and arrived outside office hours.
	Urgent bool
}

// Rendered is one notice's bodies. It has no subject: the gateway writes
// one stable subject per ticket ("[REF] summary") so that mail threads.
type Rendered struct{ Text, HTML string }

// Set holds every kind's templates in every language, parsed and tried. It
// is safe for concurrent use.
type Set struct {
	text map[string]*texttemplate.Template // by "lang/kind"
	html map[string]*htmltemplate.Template
	// deskStatus are the desk's own words for states, by language and
	// state (SetStatusWords); they win over the shipped words.
	deskStatus map[string]map[string]string
}

// SetStatusWords makes words, by language and then state ("en" →
// "waiting_customer" → "on hold"), the words customers read for those
// states, in place of the shipped ones (OCS says "open", "on hold",
// "closed"). Agents still read the shipped staff word where there is one
// ("waiting for the customer"). It must be called before the Set is first
// used; the config validates the languages and states.
func (s *Set) SetStatusWords(words map[string]map[string]string) {
	s.deskStatus = words
}

// Load parses every embedded template and then, when dir != "", the desk's
// overrides found in dir: files dir/LANG/KIND.txt.tmpl and
// dir/LANG/KIND.html.tmpl replace the embedded one of the same language and
// kind; the other templates stay embedded ones. Names starting with "." are
// skipped. Any other file or folder in dir, a template that does not parse,
// that lacks its "text" or "html" block, or that fails a trial render with
// sample Data (every field set, then only the required ones, each with
// Staff true and false) is an error naming the file's path and, where the
// template package gives one, its line ("/etc/postdesk/templates/de/
// ack.txt.tmpl:3: ..."); so is a text that does not start with the
// ReplyMarker line, or HTML that does not show it. A field Data lacks fails
// the trial.
func Load(dir string) (*Set, error) {
	s := &Set{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	sub, err := fs.Sub(embedded, "mail")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	if err := s.loadTree(sub, func(rel string) string { return path.Join("mail", rel) }); err != nil {
		return nil, err
	}
	for _, lang := range Languages {
		for _, kind := range Kinds {
			_, txt := s.text[lang+"/"+kind]
			_, htm := s.html[lang+"/"+kind]
			if !txt || !htm {
				return nil, fmt.Errorf("templates: embedded %s/%s lacks its text or HTML template", lang, kind)
			}
		}
	}
	if dir == "" {
		return s, nil
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("templates: %s is not a folder", dir)
	}
	if err := s.loadTree(os.DirFS(dir), func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }); err != nil {
		return nil, err
	}
	return s, nil
}

// loadTree parses every LANG/KIND.(txt|html).tmpl of fsys into s, replacing
// what s has. name gives the path an operator reads for a path in fsys.
func (s *Set) loadTree(fsys fs.FS, name func(rel string) string) error {
	langs, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("templates: %s: %w", name("."), err)
	}
	for _, l := range langs {
		lang := l.Name()
		if strings.HasPrefix(lang, ".") {
			continue
		}
		fi, err := fs.Stat(fsys, lang)
		if err != nil {
			return fmt.Errorf("templates: %s: %w", name(lang), err)
		}
		if !fi.IsDir() || !slices.Contains(Languages, lang) {
			// Name the file the operator put there, not only its folder.
			rel := lang
			if entries, _ := fs.ReadDir(fsys, lang); fi.IsDir() && len(entries) > 0 {
				rel = lang + "/" + entries[0].Name()
			}
			return unknownName(name(rel))
		}
		entries, err := fs.ReadDir(fsys, lang)
		if err != nil {
			return fmt.Errorf("templates: %s: %w", name(lang), err)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			rel := lang + "/" + e.Name()
			kind, isText := strings.CutSuffix(e.Name(), ".txt.tmpl")
			if !isText {
				kind = strings.TrimSuffix(e.Name(), ".html.tmpl")
			}
			if kind == e.Name() || !slices.Contains(Kinds, kind) {
				return unknownName(name(rel))
			}
			if fi, err := fs.Stat(fsys, rel); err != nil || fi.IsDir() {
				return unknownName(name(rel))
			}
			body, err := fs.ReadFile(fsys, rel)
			if err != nil {
				return fmt.Errorf("templates: %s: %w", name(rel), err)
			}
			if isText {
				t, err := s.parseText(lang, name(rel), body)
				if err != nil {
					return err
				}
				s.text[lang+"/"+kind] = t
			} else {
				t, err := s.parseHTML(lang, name(rel), body)
				if err != nil {
					return err
				}
				s.html[lang+"/"+kind] = t
			}
		}
	}
	return nil
}

// unknownName is the error for a file that is no template Load knows.
func unknownName(file string) error {
	return fmt.Errorf("templates: %s: not a template: want LANG/KIND.txt.tmpl or LANG/KIND.html.tmpl, LANG one of %s, KIND one of %s",
		file, strings.Join(Languages, ", "), strings.Join(Kinds, ", "))
}

// parseText parses and tries the text template of lang in file.
func (s *Set) parseText(lang, file string, body []byte) (*texttemplate.Template, error) {
	t, err := texttemplate.New(file).Option("missingkey=error").Funcs(s.textFuncs(lang)).Parse(string(body))
	if err != nil {
		return nil, fileError(err)
	}
	if t.Lookup("text") == nil {
		return nil, fmt.Errorf("templates: %s: no {{define \"text\"}} block", file)
	}
	if err := try(t.ExecuteTemplate, "text", file, "the text must start with {{.ReplyMarker}}",
		func(out, marker string) bool { return strings.HasPrefix(out, marker) }); err != nil {
		return nil, err
	}
	return t, nil
}

// parseHTML parses and tries the HTML template of lang in file. Trying also
// runs html/template's escaper, whose errors show only at the first
// execution.
func (s *Set) parseHTML(lang, file string, body []byte) (*htmltemplate.Template, error) {
	t, err := htmltemplate.New(file).Option("missingkey=error").Funcs(s.htmlFuncs(lang)).Parse(string(body))
	if err != nil {
		return nil, fileError(err)
	}
	if t.Lookup("html") == nil {
		return nil, fmt.Errorf("templates: %s: no {{define \"html\"}} block", file)
	}
	if err := try(t.ExecuteTemplate, "html", file, "the HTML must show {{.ReplyMarker}}",
		func(out, marker string) bool { return strings.Contains(out, marker) }); err != nil {
		return nil, err
	}
	return t, nil
}

// try executes block of the template in file with every trialData, then
// checks the first output with shows: a template that does not show the
// reply marker, the line above which replies are read, is refused with
// want.
func try(exec func(io.Writer, string, any) error, block, file, want string, shows func(out, marker string) bool) error {
	var first string
	for i, d := range trialData() {
		var b strings.Builder
		if err := exec(&b, block, d); err != nil {
			return fileError(err)
		}
		if i == 0 {
			first = b.String()
		}
	}
	if !shows(first, trialData()[0].ReplyMarker) {
		return fmt.Errorf("templates: %s: %s, the line above which replies are read", file, want)
	}
	return nil
}

// fileError is a template package's error about a file, which names the
// file (the template's name) and the line: "template: PATH:3: ..." becomes
// "templates: PATH:3: ...".
func fileError(err error) error {
	msg := err.Error()
	for _, p := range []string{"template: ", "html/template:"} {
		msg = strings.TrimPrefix(msg, p)
	}
	return fmt.Errorf("templates: %s", msg)
}

// trialData is what every template is tried with at Load: every field set,
// and only the fields every notice has, each for staff and for customers.
func trialData() []Data {
	cet := time.FixedZone("CET", 3600)
	full := Data{
		Ref: "TKT-1", Summary: "Summary", Client: "Client", Severity: 2, Priority: "high", Department: "Department",
		Requester: "requester@example.com", Assignee: "agent@example.com", Status: "in_progress",
		OldStatus: "new", Resolution: "fixed", Escalated: true, RecipientName: "Name", DeskName: "Desk",
		DeskAddress: "desk@example.com", ReplyMarker: "##- Please type your reply above this line -##",
		Text: "Text\n\nmore text", Author: "Author", Reason: "Reason", AutoCloseDays: 30,
		OpensAt: time.Date(2026, 11, 23, 8, 0, 0, 0, cet), CloseAt: time.Date(2026, 12, 23, 8, 0, 0, 0, cet), Urgent: true,
	}
	sparse := Data{
		Ref: "TKT-1", Summary: "Summary", Severity: 3, Requester: "requester@example.com", Status: "new",
		DeskName: "Desk", DeskAddress: "desk@example.com", ReplyMarker: "##- Please type your reply above this line -##",
	}
	staffFull, staffSparse := full, sparse
	staffFull.Staff, staffSparse.Staff = true, true
	return []Data{full, staffFull, sparse, staffSparse}
}

// Render renders notice kind in lang, falling back to "en" when lang has
// no template of the kind (Load guarantees both a text and an HTML
// template of every kind in English). An unknown kind is an error, with a
// zero Rendered.
func (s *Set) Render(kind, lang string, d Data) (Rendered, error) {
	if !slices.Contains(Kinds, kind) {
		return Rendered{}, fmt.Errorf("render: unknown notice kind %q", kind)
	}
	key := lang + "/" + kind
	if _, ok := s.text[key]; !ok {
		key = fallbackLanguage + "/" + kind
	}
	tt, ok := s.text[key]
	if !ok {
		return Rendered{}, fmt.Errorf("render %s: no template", key)
	}
	var buf bytes.Buffer
	if err := tt.ExecuteTemplate(&buf, "text", d); err != nil {
		return Rendered{}, fmt.Errorf("render %s text: %w", key, err)
	}
	r := Rendered{Text: buf.String()}
	if ht, ok := s.html[key]; ok {
		buf.Reset()
		if err := ht.ExecuteTemplate(&buf, "html", d); err != nil {
			return Rendered{}, fmt.Errorf("render %s html: %w", key, err)
		}
		r.HTML = buf.String()
	}
	return r, nil
}

// statusFunc is the template function status of lang: the desk's own word
// for a customer (SetStatusWords), else the shipped word.
func (s *Set) statusFunc(lang string) func(key string, staff ...bool) string {
	w := wordsOf(lang)
	return func(key string, staff ...bool) string {
		if len(staff) > 0 && staff[0] {
			if v, ok := w.staffStatus[key]; ok {
				return v
			}
		}
		if v, ok := s.deskStatus[lang][key]; ok {
			return v
		}
		return w.statusWord(key)
	}
}

// textFuncs are the functions of the text templates of lang.
func (s *Set) textFuncs(lang string) texttemplate.FuncMap {
	w := wordsOf(lang)
	return texttemplate.FuncMap{
		"status":     s.statusFunc(lang),
		"resolution": w.resolutionWord,
		"date":       w.dateWord,
		"trim":       trim,
		"indent":     indent,
	}
}

// htmlFuncs are the functions of the HTML templates of lang.
func (s *Set) htmlFuncs(lang string) htmltemplate.FuncMap {
	w := wordsOf(lang)
	return htmltemplate.FuncMap{
		"status":     s.statusFunc(lang),
		"resolution": w.resolutionWord,
		"date":       w.dateWord,
		"trim":       trim,
		"lines":      lines,
	}
}

// trim drops leading and trailing blank lines and every line's trailing
// spaces; it keeps the first line's indentation. Line ends become "\n".
func trim(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, " \t")
	}
	for len(ls) > 0 && ls[0] == "" {
		ls = ls[1:]
	}
	for len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return strings.Join(ls, "\n")
}

// indent trims s and indents every line that is not blank by 4 spaces.
func indent(s string) string {
	ls := strings.Split(trim(s), "\n")
	for i, l := range ls {
		if l != "" {
			ls[i] = "    " + l
		}
	}
	return strings.Join(ls, "\n")
}

// lines trims s and escapes it for HTML, each line break a <br>.
func lines(s string) htmltemplate.HTML {
	ls := strings.Split(trim(s), "\n")
	for i, l := range ls {
		ls[i] = htmltemplate.HTMLEscapeString(l)
	}
	return htmltemplate.HTML(strings.Join(ls, "<br>\n"))
}
