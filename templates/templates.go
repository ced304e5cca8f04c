// Package templates renders the mails postdesk sends. Templates are embedded
// (mail/LANG/KIND.txt.tmpl and KIND.html.tmpl); the text one defines the
// blocks "subject" and "text", the HTML one the block "html". Text is rendered
// with text/template, HTML with html/template, so every customer-supplied
// string is escaped in HTML.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

//go:embed mail
var files embed.FS

// Data is what a template may show. Every string may come from a customer.
type Data struct {
	Ref           string
	Summary       string
	Client        string
	Severity      int
	Priority      string
	RecipientName string
	DeskName      string
	DeskAddress   string
	// ReplyMarker is the line above which a customer's reply is read
	// (parser.ReplyMarker); it heads every mail one may answer.
	ReplyMarker string
	// Text is the notice's own content, preformatted: an agent's answer,
	// a command transcript.
	Text string
	// Author is who wrote Text (an agent's name or address).
	Author string
	// Status describes the ticket's state ("in_progress, severity 2").
	Status string
	// Reason is why it happened (an escalation's reason).
	Reason    string
	Requester string
}

// Rendered is one mail's subject and bodies.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// Set is a parsed collection of templates, ready to render concurrently.
type Set struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

// DefaultLanguage is used when a template is missing in the asked language.
const DefaultLanguage = "en"

// Load parses every embedded template. An error names the file and line.
func Load() (*Set, error) {
	s := &Set{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	langs, err := files.ReadDir("mail")
	if err != nil {
		return nil, fmt.Errorf("read templates: %w", err)
	}
	for _, lang := range langs {
		entries, err := files.ReadDir("mail/" + lang.Name())
		if err != nil {
			return nil, fmt.Errorf("read templates: %w", err)
		}
		for _, e := range entries {
			path := "mail/" + lang.Name() + "/" + e.Name()
			body, err := files.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("read template %s: %w", path, err)
			}
			switch kind, ok := strings.CutSuffix(e.Name(), ".txt.tmpl"); {
			case ok:
				t, err := texttemplate.New(path).Option("missingkey=error").Parse(string(body))
				if err != nil {
					return nil, fmt.Errorf("template %w", err)
				}
				s.text[lang.Name()+"/"+kind] = t
			case strings.HasSuffix(e.Name(), ".html.tmpl"):
				t, err := htmltemplate.New(path).Option("missingkey=error").Parse(string(body))
				if err != nil {
					return nil, fmt.Errorf("template %w", err)
				}
				s.html[lang.Name()+"/"+strings.TrimSuffix(e.Name(), ".html.tmpl")] = t
			default:
				return nil, fmt.Errorf("template %s: name must end in .txt.tmpl or .html.tmpl", path)
			}
		}
	}
	return s, nil
}

// Render renders notice kind in lang (falling back to DefaultLanguage). The
// text template is required; the HTML one is optional.
func (s *Set) Render(kind, lang string, d Data) (Rendered, error) {
	key := lang + "/" + kind
	if _, ok := s.text[key]; !ok {
		key = DefaultLanguage + "/" + kind
	}
	tt, ok := s.text[key]
	if !ok {
		return Rendered{}, fmt.Errorf("render %s: no template", kind)
	}
	var r Rendered
	var buf bytes.Buffer
	for _, block := range []struct {
		name string
		dst  *string
	}{{"subject", &r.Subject}, {"text", &r.Text}} {
		buf.Reset()
		if err := tt.ExecuteTemplate(&buf, block.name, d); err != nil {
			return Rendered{}, fmt.Errorf("render %s %s: %w", key, block.name, err)
		}
		*block.dst = buf.String()
	}
	r.Subject = strings.Join(strings.Fields(r.Subject), " ")
	if ht, ok := s.html[key]; ok {
		buf.Reset()
		if err := ht.ExecuteTemplate(&buf, "html", d); err != nil {
			return Rendered{}, fmt.Errorf("render %s html: %w", key, err)
		}
		r.HTML = buf.String()
	}
	return r, nil
}
