package gateway

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"postdesk/parser"
	"postdesk/threading"
	"postdesk/ticket"
)

// ParsedMail is what `postdesk parse --json` prints for one file. Its keys
// are a contract that tools read: they are added to, never renamed. Every
// key is always present except file (empty only without a file), error
// (only when the file could not be read or parsed; then the other keys hold
// what could be made of it, arrays [] and objects {} when nothing) and kind
// (one of parser's kinds; left out for a file that could not be read).
// bounce is null or recipient, status, hard, with the additions reply_code
// and reason (when known) and others (the report's further recipients, as
// bounce objects), as parser.Bounce has them.
type ParsedMail struct {
	File        string             `json:"file,omitempty"`
	Error       string             `json:"error,omitempty"`
	MessageID   string             `json:"message_id"`
	From        string             `json:"from"`
	To          []string           `json:"to"`
	Cc          []string           `json:"cc"`
	Date        string             `json:"date"`
	Subject     string             `json:"subject"`
	Severity    int                `json:"severity"`
	Client      string             `json:"client"`
	Summary     string             `json:"summary"`
	Ref         string             `json:"ref"`
	Text        string             `json:"text"`
	HTML        string             `json:"html"`
	NewText     string             `json:"new_text"`
	Signature   string             `json:"signature"`
	Fields      map[string]string  `json:"fields"`
	Kind        string             `json:"kind,omitempty"`
	Bounce      *parser.Bounce     `json:"bounce"`
	Attachments []ParsedFile       `json:"attachments"`
	Forwarded   []parser.Forwarded `json:"forwarded"`
	Problems    []string           `json:"problems"`
	read        bool               // the file was read (Error, if any, is the parser's)
}

// ParsedFile is one attachment of a ParsedMail.
type ParsedFile struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	ContentID   string `json:"content_id"`
	Inline      bool   `json:"inline"`
}

// ParseFile reads and parses one mail file the way the pipeline would for
// the desk in cfg. A file that cannot be read gives a ParsedMail with Error
// and empty fields; one whose MIME structure cannot be parsed gives Error
// with what the parser still made of it (as the pipeline keeps it).
func ParseFile(cfg Config, path string) ParsedMail {
	raw, err := os.ReadFile(path)
	if err != nil {
		v := view(cfg, &parser.Message{})
		v.File, v.Error = path, err.Error()
		return v
	}
	msg, err := parser.ParseWith(raw, parserOptions(cfg))
	v := view(cfg, msg)
	v.File, v.read = path, true
	if err != nil {
		v.Error = err.Error()
	}
	return v
}

// parserOptions is what the parser needs to know of the desk.
func parserOptions(cfg Config) parser.Options {
	return parser.Options{Fields: cfg.Desk.FormFields(), RefPrefix: cfg.Desk.Prefix}
}

func view(cfg Config, msg *parser.Message) ParsedMail {
	v := ParsedMail{
		MessageID: msg.MessageID, To: addrs(msg.To), Cc: addrs(msg.Cc), Subject: msg.Subject,
		Severity: msg.SubjectFields.Severity, Client: msg.SubjectFields.Client, Summary: msg.SubjectFields.Summary,
		Text: msg.Text, HTML: msg.HTML, NewText: msg.Reply.NewText, Signature: msg.Reply.Signature,
		Fields: msg.Fields, Kind: msg.Kind, Bounce: msg.Bounce, Forwarded: msg.Forwarded,
		Problems: msg.Problems, Attachments: []ParsedFile{},
	}
	if msg.From != nil {
		v.From = msg.From.Addr
	}
	if !msg.Date.IsZero() {
		v.Date = msg.Date.UTC().Format(time.RFC3339)
	}
	if refs := threading.NewMatcher(cfg.Desk.Prefix, cfg.Desk.Domain).SubjectRefs(msg.Subject); len(refs) > 0 {
		v.Ref = ticket.FormatRef(cfg.Desk.Prefix, refs[0])
	}
	for _, a := range msg.Attachments {
		v.Attachments = append(v.Attachments, ParsedFile{Filename: a.Filename, ContentType: a.ContentType,
			Size: a.Size, SHA256: a.SHA256, ContentID: a.ContentID, Inline: a.Inline})
	}
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	if v.Forwarded == nil {
		v.Forwarded = []parser.Forwarded{}
	}
	if v.Problems == nil {
		v.Problems = []string{}
	}
	return v
}

// WriteParse parses each file and writes the result: with asJSON one JSON
// object per line (JSON Lines), else a readable summary. A file that cannot
// be read or parsed is reported (with error) and the run goes on; the
// returned error says how many failed, so the command exits non-zero.
func WriteParse(w io.Writer, cfg Config, files []string, asJSON bool) error {
	failed := 0
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range files {
		v := ParseFile(cfg, f)
		if v.Error != "" {
			failed++
		}
		if asJSON {
			if err := enc.Encode(v); err != nil {
				return err
			}
			continue
		}
		writeParsedText(w, v)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be read or parsed", failed, len(files))
	}
	return nil
}

func writeParsedText(w io.Writer, v ParsedMail) {
	fmt.Fprintf(w, "== %s\n", v.File)
	if v.Error != "" {
		fmt.Fprintf(w, "error: %s\n", v.Error)
		if !v.read {
			fmt.Fprintln(w)
			return
		}
	}
	row := func(k, val string) {
		if val != "" {
			fmt.Fprintf(w, "%-10s %s\n", k+":", val)
		}
	}
	row("kind", v.Kind)
	row("from", v.From)
	row("to", strings.Join(v.To, ", "))
	row("cc", strings.Join(v.Cc, ", "))
	row("date", v.Date)
	row("subject", v.Subject)
	if v.Severity > 0 {
		row("severity", fmt.Sprint(v.Severity))
	}
	row("client", v.Client)
	row("summary", v.Summary)
	row("ref", v.Ref)
	if v.Bounce != nil {
		row("bounce", fmt.Sprintf("%s %s hard=%v %s", v.Bounce.Recipient, v.Bounce.Status, v.Bounce.Hard, v.Bounce.Reason))
	}
	for _, k := range slices.Sorted(maps.Keys(v.Fields)) {
		row("field", k+" = "+strings.ReplaceAll(v.Fields[k], "\n", " / "))
	}
	for _, a := range v.Attachments {
		row("file", fmt.Sprintf("%s (%s, %d bytes)", a.Filename, a.ContentType, a.Size))
	}
	for _, f := range v.Forwarded {
		row("forwarded", fmt.Sprintf("%s, %s: %s", f.From, f.Date, f.Subject))
	}
	for _, p := range v.Problems {
		row("problem", p)
	}
	fmt.Fprintf(w, "new text:\n%s\n", indent(v.NewText))
	if v.Signature != "" {
		fmt.Fprintf(w, "signature:\n%s\n", indent(v.Signature))
	}
	fmt.Fprintln(w)
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
