package parser

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Form is what ReadForm found. Its maps are never nil.
type Form struct {
	// Fields maps a spec key to its normalised value: yesno "yes" or "no";
	// choice the canonical value; phone digits and a leading "+"; list the
	// items joined by "\n"; url the URL; text as written, trimmed, lines kept.
	// A label given with nothing after it (SEKO: "leave fields blank if not
	// applicable") gives its key with ""; a key is absent only when its label
	// is not in the body.
	Fields map[string]string `json:"fields"`
	// Raw maps the same keys to the value as written, trimmed, before
	// normalisation ("Yes, attached", "+61 2 5550 1234").
	Raw map[string]string `json:"raw"`
	// Unknown maps labels that are in no spec, as written, to their values
	// ("Depot: Sydney" inside a form). A label given twice has its values
	// joined by "\n".
	Unknown map[string]string `json:"unknown"`
	// Rest is the text that is not part of a recognised field, in order, with
	// runs of blank lines made one.
	Rest string `json:"rest"`
	// Problems says what did not fit: a choice or yes/no value not in the
	// list (the value is kept as written in Fields), a field given twice.
	Problems []string `json:"problems,omitempty"`
}

// ReadForm reads labelled fields from a plain-text body, and from the HTML
// body's tables when html is non-empty and the text yields no field of spec.
// It does no I/O and never panics. How it reads:
//
//   - A field line is a spec label followed by ':', a tab, or '?' at the end
//     of the line, then the value ("Label: value", a pasted table's
//     "Label:<TAB>value"). A label matches when, ignoring case, bullets, item
//     numbers, *bold* markers and a trailing ':' or '?', it is one of the
//     spec's labels, that label without its (brackets) (brackets written
//     elsewhere are dropped when they hold only words of the field's
//     labels), or a whole-word prefix of at least 8 characters of labels of
//     one field only (people trim long questions: "Platform which returned
//     the error message:"). Other words added to a label make it no match.
//     A label written in full may also be followed by '?', two spaces, or
//     nothing (the value then stands on the next line). A label wrapped over
//     up to three lines is read as one.
//   - The value runs on over the following lines up to the next label, a
//     blank line or a quoted mail. A paragraph after a blank line belongs to
//     the field above only when another label follows it; in a form that
//     puts every value after a blank line (Outlook's plain text of a table)
//     the first paragraph after a label is its value. A label with nothing
//     after it takes the next line as its value. Fields of type yesno,
//     choice, phone and url take one line; text, list and unknown labels
//     take every line.
//   - A line that is not a spec label goes to Unknown only when it looks
//     like a label line (at the line start, a label of at most 5 words and 40
//     characters, letters only, then ':' and a space or a tab) and stands in
//     the form: between its first and last field, or in one paragraph with a
//     field. Anywhere else, such as "Note: the printer is fine" in a mail
//     with no form, it stays in Rest. A table's heading row ("Questionnaire
//     <TAB>Response": a value such as Response, Antwort, Waarde, or an HTML
//     row of <th> cells only) is text.
//   - Quoted lines ('>') are never labels. A forwarded or quoted mail's
//     header block (From/Von/Van/Da..., with two more header lines), an
//     "-----Original Message-----" line or an "... wrote:" line ends the form
//     when fields were found above it; below it nothing is read.
//   - The same field given twice keeps its first non-empty value; the second
//     stays in Rest and a problem is recorded.
//   - HTML: each table row with a label cell and cells after it is
//     "label<TAB>value" with the value complete in its cells (an empty value
//     cell gives ""); a row with one filled cell and text outside tables are
//     read as plain text lines (a vertical table: label row, value row).
//     When the HTML is used, Rest is the HTML's text outside its fields, and
//     the text, which yielded no field, is not part of the Form.
//
// Nothing is lost: every line is part of a field (its label matched a spec
// label, its value is in Raw), of Unknown, or of Rest.
func ReadForm(text, html string, spec []FieldSpec) (f Form) {
	defer func() {
		if r := recover(); r != nil {
			f = Form{Fields: map[string]string{}, Raw: map[string]string{}, Unknown: map[string]string{},
				Rest: valid(text), Problems: []string{fmt.Sprintf("form reader failure: %v", r)}}
		}
	}()
	m := newMatcher(spec)
	f = readLines(textLines(valid(text)), spec, m)
	if len(f.Fields) == 0 && strings.TrimSpace(html) != "" {
		if h := readLines(htmlLines(valid(html)), spec, m); len(h.Fields) > 0 {
			return h
		}
	}
	return f
}

type lineKind uint8

const (
	lineText   lineKind = iota
	lineBlank           // nothing but white space
	lineQuoted          // a quoted mail's header block or separator: never a field
	lineField           // a spec label, with an inline value
	lineLabel           // an unknown label line; Unknown only inside a form
)

// formLine is one line of the body (or one row of an HTML table).
type formLine struct {
	text  string // as written; for a table row its cells joined by a tab
	kind  lineKind
	field int    // spec index, for lineField
	label string // for lineLabel: the label as written
	value string // the value on the label's line
	span  int    // lines the label took (wrapped labels)
	row   bool   // an HTML table row: label and value are complete
	// heading is an HTML table's heading row (only <th> cells): text that
	// is never a label.
	heading bool
}

func textLines(text string) []formLine {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	parts := strings.Split(text, "\n")
	lines := make([]formLine, len(parts))
	for i, p := range parts {
		lines[i] = formLine{text: p}
	}
	return lines
}

func readLines(lines []formLine, spec []FieldSpec, m *labelMatcher) Form {
	f := Form{Fields: map[string]string{}, Raw: map[string]string{}, Unknown: map[string]string{}}
	classify(lines, m)
	settle(lines)
	blankLayout := usesBlankLayout(lines)
	used := make([]bool, len(lines))
	for i := 0; i < len(lines); {
		l := lines[i]
		if l.kind != lineField && l.kind != lineLabel {
			i++
			continue
		}
		multi := l.kind == lineLabel || !singleValued(spec[l.field].Type)
		end := extent(lines, i, multi, blankLayout)
		raw := valueOf(lines, i, end)
		if l.kind == lineLabel {
			if old := f.Unknown[l.label]; old != "" && raw != "" {
				raw = old + "\n" + raw
			} else if old != "" {
				raw = old
			}
			f.Unknown[l.label] = raw
		} else {
			s := spec[l.field]
			if old := f.Raw[s.Key]; old != "" {
				f.Problems = append(f.Problems, fmt.Sprintf("field %q given twice; the first value is kept, the second stays in the text", s.Key))
				i = end
				continue
			}
			v, problem := s.normalise(raw)
			f.Fields[s.Key], f.Raw[s.Key] = v, raw
			if problem != "" {
				f.Problems = append(f.Problems, problem)
			}
		}
		for k := i; k < end; k++ {
			used[k] = true
		}
		i = end
	}
	f.Rest = restOf(lines, used)
	return f
}

func singleValued(t FieldType) bool {
	return t == FieldYesNo || t == FieldChoice || t == FieldPhone || t == FieldURL
}

var (
	// headerLine is a header line of a forwarded or quoted mail, as mail
	// clients write them in English, German, Dutch, Italian, French, Spanish.
	headerLine = regexp.MustCompile(`(?i)^[*_]*(from|sent|to|cc|bcc|subject|date|reply-to|importance|von|gesendet|an|betreff|datum|van|verzonden|aan|onderwerp|da|inviato|a|oggetto|data|de|envoyé|à|objet|enviado|para|asunto)[*_]*\s*:`)
	fromLine   = regexp.MustCompile(`(?i)^[*_]*(from|von|van|da|de)[*_]*\s*:`)
	// trailStart is a line that starts a quoted or forwarded mail.
	trailStart = regexp.MustCompile(`(?i)^\s*(?:[-_=]{2,}\s*(?:original message|ursprüngliche nachricht|originalnachricht|oorspronkelijk bericht|messaggio originale|forwarded message|weitergeleitete nachricht|doorgestuurd bericht|messaggio inoltrato|message d'origine|message transféré)\s*[-_=]*|_{10,})\s*$|\b(?:wrote|schrieb|schreef|ha scritto|a écrit)\s*:\s*$`)
)

// classify sets each line's kind.
func classify(lines []formLine, m *labelMatcher) {
	markTrail(lines)
	for i := 0; i < len(lines); i++ {
		l := &lines[i]
		switch {
		case l.kind == lineQuoted:
		case l.row:
			if k, ok := m.match(l.label, true); ok {
				l.kind, l.field = lineField, k
			} else if labelShape(cleanLabel(l.label)) && !headerWord(l.value) {
				l.kind, l.label = lineLabel, cleanLabel(l.label)
			}
		case strings.TrimSpace(l.text) == "":
			l.kind = lineBlank
		case l.heading, strings.HasPrefix(strings.TrimSpace(l.text), ">"):
			// Quoted text and table headings are never labels.
		default:
			if k, v, ok := m.split(l.text, 0); ok {
				l.kind, l.field, l.value, l.span = lineField, k, v, 1
			} else if n, k, v, ok := wrappedLabel(lines, i, m); ok {
				l.kind, l.field, l.value, l.span = lineField, k, v, n
				i += n - 1
			} else if label, v, ok := unknownLabel(l.text); ok {
				l.kind, l.label, l.value = lineLabel, label, v
			}
		}
		if l.span == 0 {
			l.span = 1
		}
	}
}

// markTrail marks the lines that start a quoted or forwarded mail: separator
// and attribution lines, and header blocks (a From line and two more header
// lines in a row).
func markTrail(lines []formLine) {
	for i := range lines {
		if !lines[i].row && trailStart.MatchString(lines[i].text) {
			lines[i].kind = lineQuoted
		}
	}
	for i := 0; i < len(lines); {
		j, from := i, false
		for j < len(lines) && !lines[j].row && headerLine.MatchString(lines[j].text) {
			from = from || fromLine.MatchString(lines[j].text)
			j++
		}
		if from && j-i >= 3 {
			for k := i; k < j; k++ {
				lines[k].kind = lineQuoted
			}
		}
		i = max(j, i+1)
	}
}

// wrappedLabel reads a spec label wrapped over two or three lines: line i
// alone starts a label, and the joined lines hold the label's end and its
// separator after line i's text. It returns the number of lines taken.
func wrappedLabel(lines []formLine, i int, m *labelMatcher) (int, int, string, bool) {
	if len(lines[i].text) > 2*m.max || !m.startsLabel(lines[i].text) {
		return 0, 0, "", false
	}
	joined := strings.TrimRight(lines[i].text, " \t")
	for n := 2; n <= 3 && i+n-1 < len(lines); n++ {
		next := lines[i+n-1]
		if next.row || next.kind == lineQuoted || strings.TrimSpace(next.text) == "" {
			break
		}
		from := len(joined)
		joined += " " + strings.TrimSpace(next.text)
		if k, v, ok := m.split(joined, from); ok {
			return n, k, v, true
		}
	}
	return 0, 0, "", false
}

// unknownLabel reads a line that looks like "Label: value" or
// "Label<TAB>value" with a label in no spec; see labelShape.
func unknownLabel(s string) (label, value string, ok bool) {
	t := strings.TrimLeft(s, "*_")
	if r, _ := utf8.DecodeRuneInString(t); !unicode.IsLetter(r) {
		return "", "", false
	}
	i := strings.IndexAny(t, ":\t")
	if i < 0 {
		return "", "", false
	}
	if t[i] == ':' {
		after := strings.TrimLeft(t[i+1:], "*_")
		if r, _ := utf8.DecodeRuneInString(after); after != "" && !unicode.IsSpace(r) {
			return "", "", false
		}
	}
	label, value = cleanLabel(t[:i]), valueAfter(s[:len(s)-len(t)+i], t[i+1:])
	if !labelShape(label) || headerWord(value) {
		return "", "", false
	}
	return label, value, true
}

// headerWord tells whether a value is the right column's heading of a
// two-column form table ("Questionnaire<TAB>Response"): such a row is no
// field.
func headerWord(v string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), "*_:")) {
	case "response", "responses", "answer", "answers", "value", "antwort", "antworten", "wert", "angaben",
		"antwoord", "antwoorden", "waarde", "risposta", "risposte", "valore", "réponse", "valeur":
		return true
	}
	return false
}

// labelShape tells whether an unknown label looks like one: at most 5 words
// and 40 characters, starting with a letter, of letters, spaces and
// - / & ' . ( ) # only.
func labelShape(l string) bool {
	if l == "" || utf8.RuneCountInString(l) > 40 || len(strings.Fields(l)) > 5 {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(l); !unicode.IsLetter(r) {
		return false
	}
	for _, r := range l {
		if !unicode.IsLetter(r) && r != ' ' && !strings.ContainsRune("-/&'.()#", r) {
			return false
		}
	}
	return true
}

// cleanLabel is a label as written without bold markers, outer space and a
// trailing ':' or '?'.
func cleanLabel(s string) string {
	for {
		t := strings.TrimRight(strings.Trim(s, "*_ \t\u00a0"), ":：?？ \t\u00a0")
		if t == s {
			return strings.Join(strings.Fields(t), " ")
		}
		s = t
	}
}

// valueAfter is the value after a label's separator, without the closing
// bold marker of a bold label ("**Priorität:** Hoch").
func valueAfter(label, value string) string {
	v := strings.TrimLeft(value, " \t")
	lab := strings.TrimSpace(stripBullet(strings.TrimSpace(label)))
	for _, mk := range []string{"**", "__", "*", "_"} {
		if strings.HasPrefix(lab, mk) && strings.HasPrefix(v, mk) {
			return strings.TrimLeft(v[len(mk):], " \t")
		}
	}
	return v
}

// settle ends the form at a quoted mail below a field, and keeps unknown
// labels only inside the form: between its first and last field, or in a
// paragraph that holds a field.
func settle(lines []formLine) {
	first, last, cut := -1, -1, false
	for i := range lines {
		l := &lines[i]
		cut = cut || l.kind == lineQuoted && first >= 0
		switch {
		case cut && (l.kind == lineField || l.kind == lineLabel):
			l.kind = lineText
		case l.kind == lineField:
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	block := make([]int, len(lines))
	withField := map[int]bool{}
	b := 0
	for i, l := range lines {
		if l.kind == lineBlank {
			b++
			continue
		}
		block[i] = b
		withField[b] = withField[b] || l.kind == lineField
	}
	for i := range lines {
		if lines[i].kind == lineLabel && !(first >= 0 && (first < i && i < last || withField[block[i]])) {
			lines[i].kind = lineText
		}
	}
}

// usesBlankLayout tells whether most fields put their value after a blank
// line, as Outlook's plain text of a table does.
func usesBlankLayout(lines []formLine) bool {
	after, other := 0, 0
	for i, l := range lines {
		if l.kind != lineField || l.row {
			continue
		}
		j := i + l.span
		switch {
		case strings.TrimSpace(l.value) != "" || j < len(lines) && lines[j].kind == lineText:
			other++
		case j < len(lines) && lines[j].kind == lineBlank:
			if k := nextNonBlank(lines, j); k < len(lines) && lines[k].kind == lineText {
				after++
			}
		}
	}
	return after >= 2 && after > other
}

// extent returns the end (exclusive) of the field whose label is line i.
func extent(lines []formLine, i int, multi, blankLayout bool) int {
	l, n := lines[i], len(lines)
	j := i + l.span
	if l.row {
		return j
	}
	valueLine := func(k int) bool {
		return k < n && !lines[k].row && (lines[k].kind == lineText || lines[k].kind == lineLabel)
	}
	if strings.TrimSpace(l.value) == "" {
		switch {
		case valueLine(j):
			j++
		case j < n && lines[j].kind == lineBlank:
			k := nextNonBlank(lines, j)
			if !valueLine(k) || !blankLayout && nextLabel(lines, k+1) < 0 {
				return j
			}
			j = k + 1
		default:
			return j
		}
	}
	if !multi {
		return j
	}
	for j < n {
		switch {
		case lines[j].kind == lineText && !lines[j].row:
			j++
		case lines[j].kind == lineBlank:
			// The paragraphs up to the next label belong to this field.
			if k := nextLabel(lines, j); k >= 0 {
				return k
			}
			return j
		default:
			return j
		}
	}
	return j
}

// nextLabel returns the line of the next label when only text and blank
// lines stand between line k and it, else -1 (a quoted mail, a table row or
// the end comes first).
func nextLabel(lines []formLine, k int) int {
	for ; k < len(lines); k++ {
		switch l := lines[k]; {
		case l.kind == lineField || l.kind == lineLabel:
			return k
		case l.row || l.kind == lineQuoted:
			return -1
		}
	}
	return -1
}

func nextNonBlank(lines []formLine, j int) int {
	for j < len(lines) && lines[j].kind == lineBlank {
		j++
	}
	return j
}

// valueOf joins the value of the field at line i that ends before end.
func valueOf(lines []formLine, i, end int) string {
	parts := []string{lines[i].value}
	for k := i + lines[i].span; k < end; k++ {
		parts = append(parts, strings.TrimLeft(strings.TrimRight(lines[k].text, " \t"), "\t"))
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}

// restOf joins the lines no field took, one blank line for each run.
func restOf(lines []formLine, used []bool) string {
	var out []string
	for k, l := range lines {
		if used[k] {
			continue
		}
		t := strings.TrimRight(l.text, " \t")
		if strings.TrimSpace(t) == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		if strings.TrimSpace(t) == "" {
			t = ""
		}
		out = append(out, t)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n")
}
