// Package parser turns raw RFC 5322 mail into a Message: headers, text, HTML,
// attachments, the subject's fields and what kind of sender wrote it. It does
// no I/O and never panics: malformed input gives best-effort content and a list
// of problems.
package parser

import (
	"math"

	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/jhillyerd/enmime/v2"
)

// Address is one mailbox: a display name and a lower-case address.
type Address struct {
	Name string `json:"name,omitempty"`
	Addr string `json:"addr"`
}

// Attachment is one file part of a message (attachment or inline).
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	ContentID   string `json:"content_id,omitempty"`
	Inline      bool   `json:"inline,omitempty"`
	Content     []byte `json:"-"`
}

// Message is the parsed form of one mail. Every string in it is valid UTF-8.
type Message struct {
	// MessageID, InReplyTo and References hold msg-ids without angle brackets.
	MessageID  string    `json:"message_id"`
	InReplyTo  []string  `json:"in_reply_to,omitempty"`
	References []string  `json:"references,omitempty"`
	From       *Address  `json:"from,omitempty"`
	To         []Address `json:"to,omitempty"`
	Cc         []Address `json:"cc,omitempty"`
	ReplyTo    []Address `json:"reply_to,omitempty"`
	Date       time.Time `json:"date"`
	// Subject is the decoded Subject header; SubjectFields its grammar.
	Subject       string  `json:"subject"`
	SubjectFields Subject `json:"subject_fields"`
	Text          string  `json:"text"`
	HTML          string  `json:"html,omitempty"`
	// Reply is the text's own new part: what the sender wrote above the
	// quote, with the signature apart. The whole text stays in Text.
	Reply Reply `json:"reply"`
	// Forwarded lists the mails a forward carries: from the body of a
	// forward, and every message/rfc822 part with the mails it carries in
	// turn (so len(Forwarded) counts the trail). Date is RFC 3339 in UTC
	// when the date read names its zone, else as written (a body trail's
	// "Sent: Monday, 3 March 2025 10:12" has no zone to convert from).
	Forwarded []Forwarded `json:"forwarded,omitempty"`
	// Fields holds the desk's form fields found in the body (see ReadForm),
	// and AttachedItems the count of items in attached CSV/TXT lists.
	Fields map[string]string `json:"fields,omitempty"`
	// Form is the whole reading of the form, unknown labels included; nil
	// when the desk has no form.
	Form *Form `json:"form,omitempty"`
	// Attachments lists attachment and inline file parts in message order.
	Attachments []Attachment `json:"attachments,omitempty"`
	// Automated is non-empty when the headers show a machine wrote the mail
	// (RFC 3834 and common practice), and says how; see Classify.
	Automated string `json:"automated,omitempty"`
	// Bounce is what a non-delivery report says failed; nil for other mail.
	Bounce *Bounce `json:"bounce,omitempty"`
	// Kind is what wrote the mail: KindHuman, KindAutoReply or KindBounce.
	Kind string `json:"kind"`
	// XLoop holds the X-Loop header values, lower case.
	XLoop []string `json:"x_loop,omitempty"`
	// Problems lists what was wrong with the input and was worked around.
	Problems []string `json:"problems,omitempty"`
}

// Kinds of mail, as Message.Kind reports them.
const (
	KindHuman     = "human"
	KindAutoReply = "auto_reply"
	KindBounce    = "bounce"
)

// kindOf derives Message.Kind from what the classifiers found.
func kindOf(msg *Message) string {
	switch {
	case msg.Bounce != nil || msg.Automated == AutoBounce:
		return KindBounce
	case msg.Automated != "":
		return KindAutoReply
	}
	return KindHuman
}

// ErrUnreadable is wrapped by the error Parse returns when the MIME structure
// could not be read at all; the Message then holds what the headers gave and
// the raw body as text.
var ErrUnreadable = errors.New("unreadable MIME")

// ErrParserFailure is wrapped by the error Parse returns when the parser
// itself failed on the input (a panic, recovered at the boundary): a defect
// of ours, not of the mail. The Message holds what was read before the
// failure, its Kind is set, and Problems has a "parser failure: ..." entry.
var ErrParserFailure = errors.New("parser failure")

// Options tell the parser what it needs to know of the desk. The zero value
// parses with no desk knowledge.
type Options struct {
	// Fields is the desk's form: the labelled fields read from the body.
	Fields []FieldSpec
	// RefPrefix is the prefix of the desk's references ("TKT"): the subject
	// grammar cuts them from the client and summary wherever they stand
	// (ParseSubjectFor). "" cuts only tags at either end.
	RefPrefix string
}

// Parse reads one raw mail. It always returns a non-nil Message. The error is
// non-nil only when the MIME structure could not be read (it wraps
// ErrUnreadable) or the parser failed (it wraps ErrParserFailure); the
// Message's Problems say the same and more.
func Parse(raw []byte) (*Message, error) { return parse(raw, Options{}, 0) }

// ParseWith is Parse for a desk: opts say what the desk's forms look like.
func ParseWith(raw []byte, opts Options) (*Message, error) { return parse(raw, opts, 0) }

// parse is Parse at a depth of embedded messages.
func parse(raw []byte, opts Options, depth int) (msg *Message, err error) {
	msg = &Message{}
	defer recoverFailure(msg, &err)
	if len(bytes.TrimSpace(raw)) == 0 {
		msg.Problems = append(msg.Problems, "empty message")
	}
	// A text part with corrupt base64 or quoted-printable keeps what decoded.
	// enmime guesses a charset when none is declared (even with detection
	// disabled), and guesses wrong on short UTF-8; body() decides instead.
	p := enmime.NewParser(enmime.DisableCharacterDetection(true), enmime.MinCharsetDetectRunes(math.MaxInt),
		enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy))
	env, perr := p.ReadEnvelope(bytes.NewReader(raw))
	if perr == nil && env.Root == nil {
		perr = errors.New("no MIME root part")
	}
	if perr != nil {
		fallback(msg, raw, perr, opts, depth)
		return msg, fmt.Errorf("parse mime: %w: %v", ErrUnreadable, perr)
	}
	h := envHeader{env}
	readHeaders(msg, h, opts)
	// Classified from the headers before any body is read: should reading
	// the body fail (recoverFailure), an auto-reply still reads as one and
	// is never answered (RFC 3834).
	msg.Automated = Classify(h, strings.EqualFold(env.Root.ContentType, "multipart/report"))
	implicit := implicitTextParts(env.Root)
	latin := noDeclaredCharset(env.Root)
	text, repaired := textBody(env, implicit)
	msg.Text = body(text, latin)
	if repaired {
		msg.Problems = append(msg.Problems, "a text part held MIME boundary lines; it was split at them and their part headers dropped")
	}
	msg.HTML = body(env.HTML, latin)
	msg.Attachments = files(env, implicit)
	unpackTNEF(msg)
	for _, e := range env.Errors {
		if e.Name == enmime.ErrorPlainTextFromHTML && !e.Severe {
			continue // an HTML-only mail is valid; deriving its text is no problem
		}
		msg.Problems = append(msg.Problems, valid(e.Error()))
	}
	keepUnreadBody(msg, raw)
	derive(msg, opts, depth)
	classifyMachineMail(msg, raw, depth)
	return msg, nil
}

// recoverFailure is Parse's recover boundary, deferred by parse: a panic
// becomes a "parser failure" problem and an error wrapping ErrParserFailure,
// and the Message gets a valid Kind.
func recoverFailure(msg *Message, err *error) {
	r := recover()
	if r == nil {
		return
	}
	msg.Problems = append(msg.Problems, valid(fmt.Sprintf("parser failure: %v", r)))
	*err = fmt.Errorf("parse: %w: %v", ErrParserFailure, r)
	if msg.Kind == "" {
		msg.Kind = kindOf(msg)
	}
}

// files lists the parts that are not the text or HTML body, in the order they
// stand in the mail: attachments, inline parts, and parts with no disposition
// such as an image with a Content-ID, a forwarded message/rfc822 or the
// delivery-status of a bounce. None is dropped.
func files(env *enmime.Envelope, implicitText map[*enmime.Part]bool) []Attachment {
	kind := map[*enmime.Part]bool{} // part -> inline
	for _, p := range env.Attachments {
		kind[p] = false
	}
	for _, p := range env.Inlines {
		kind[p] = true
	}
	for _, p := range env.OtherParts {
		if _, seen := kind[p]; !seen && !implicitText[p] {
			kind[p] = p.ContentID != ""
		}
	}
	var out []Attachment
	walkParts(env.Root, func(p *enmime.Part) {
		if inline, ok := kind[p]; ok {
			out = append(out, attachment(p, inline))
		}
	})
	return out
}

// keepUnreadBody makes sure no content is silently lost: when MIME parsing
// found no text, no HTML and no file (say, a multipart whose boundary never
// appears, or boundaries that are prefixes of each other) yet the body holds
// lines that are not MIME structure, the body is cut at every boundary it
// declares and its text/plain and text/html parts kept; when that gives
// nothing, the raw body becomes the text. Either way the problem is recorded.
func keepUnreadBody(msg *Message, raw []byte) {
	if strings.TrimSpace(msg.Text) != "" || strings.TrimSpace(msg.HTML) != "" || len(msg.Attachments) > 0 {
		return
	}
	_, rest := splitHeader(raw)
	if !hasContentLines(rest) {
		return
	}
	// Boundaries that are prefixes of each other defeat the MIME reader;
	// cut the body at every declared boundary and keep the text parts.
	if texts, htmls := cutAtBoundaries(raw, rest); len(texts)+len(htmls) > 0 {
		msg.Text = body(strings.Join(texts, "\n\n"), false)
		msg.HTML = body(strings.Join(htmls, "\n\n"), false)
		msg.Problems = append(msg.Problems, "MIME structure unreadable; the text was recovered by cutting the body at its boundary lines")
		return
	}
	msg.Text = body(string(rest), false)
	msg.Problems = append(msg.Problems, "no readable MIME part; the raw body is kept as text")
}

// mimeLine matches what MIME structure is made of: boundary delimiters and
// part header fields.
var mimeLine = regexp.MustCompile(`^(?:--\S*|[A-Za-z0-9-]+:.*|\s.*;.*)$`)

// hasContentLines reports whether body has a non-blank line that is not a
// boundary delimiter or a part header.
func hasContentLines(body []byte) bool {
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) != "" && !mimeLine.MatchString(line) {
			return true
		}
	}
	return false
}

// headerSource gives a header's values as they stand in the mail: unfolded
// but not decoded (textproto.MIMEHeader, and rawHeader on the fallback path).
// Decoding happens per field, after its structure is read: an encoded word
// may never turn into an address (RFC 2047 section 5).
type headerSource interface {
	Values(name string) []string
	// Text is the first value of an unstructured field (Subject), decoded.
	Text(name string) string
}

// envHeader reads enmime's root header; Text uses enmime's lenient decoder,
// which also knows UTF-7 and 8-bit bytes inside encoded words.
type envHeader struct{ env *enmime.Envelope }

func (e envHeader) Values(name string) []string { return e.env.Root.Header.Values(name) }
func (e envHeader) Text(name string) string {
	v := e.env.GetHeader(name)
	if strings.Contains(v, "=?") {
		// Encoded words the decoder refused, such as ones with raw 8-bit
		// bytes inside: decode them leniently from the raw value.
		v = decodeWordsLeniently(e.env.Root.Header.Get(name))
	}
	return valid(v)
}

func get(h headerSource, name string) string {
	if v := h.Values(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// decodeText decodes RFC 2047 encoded words in an unstructured field.
func decodeText(v string) string {
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		v = d
	}
	return valid(v)
}

func readHeaders(msg *Message, h headerSource, opts Options) {
	msg.Subject = strings.TrimSpace(collapseSpace(h.Text("Subject")))
	msg.SubjectFields = ParseSubjectFor(msg.Subject, opts.RefPrefix)
	msg.MessageID = first(MsgIDs(get(h, "Message-Id")))
	msg.InReplyTo = MsgIDs(get(h, "In-Reply-To"))
	msg.References = MsgIDs(strings.Join(h.Values("References"), " "))
	if from := addressList(msg, "From", get(h, "From")); len(from) > 0 {
		msg.From = &from[0]
	}
	msg.To = addressList(msg, "To", strings.Join(h.Values("To"), ", "))
	msg.Cc = addressList(msg, "Cc", strings.Join(h.Values("Cc"), ", "))
	msg.ReplyTo = addressList(msg, "Reply-To", get(h, "Reply-To"))
	for _, v := range h.Values("X-Loop") {
		msg.XLoop = append(msg.XLoop, strings.ToLower(strings.TrimSpace(valid(v))))
	}
	if d := get(h, "Date"); d != "" {
		t, err := mail.ParseDate(d)
		if err != nil {
			msg.Problems = append(msg.Problems, "Date header unreadable: "+valid(d))
		} else {
			msg.Date = t.UTC()
		}
	}
}

// angleAddr is an address in angle brackets; a lone local part such as
// <moderator> is taken as written (RFC 5321 section 4.1.1.3 postmaster form).
var angleAddr = regexp.MustCompile(`<([^<>\s@]+(?:@[^<>\s@]+)?)>`)

// addressList reads a raw address header (RFC 5322 section 3.4), decoding
// encoded words only in display names. A list net/mail rejects is searched
// leniently: addresses in angle brackets first, else any local@domain word.
func addressList(msg *Message, name, value string) []Address {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil
	}
	list, err := (&mail.AddressParser{WordDecoder: wordDecoder}).ParseList(value)
	if err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: valid(a.Name), Addr: strings.ToLower(valid(a.Address))})
		}
		return out
	}
	var out []Address
	for _, m := range angleAddr.FindAllStringSubmatch(value, -1) {
		out = append(out, Address{Addr: strings.ToLower(valid(m[1]))})
	}
	if len(out) == 0 {
		for _, f := range strings.FieldsFunc(value, func(r rune) bool { return strings.ContainsRune(" ,;<>\"'()\t", r) }) {
			if i := strings.LastIndexByte(f, '@'); i > 0 && i < len(f)-1 {
				out = append(out, Address{Addr: strings.ToLower(valid(f))})
			}
		}
	}
	msg.Problems = append(msg.Problems, fmt.Sprintf("%s header not RFC 5322: %s", name, valid(value)))
	return out
}

func attachment(p *enmime.Part, inline bool) Attachment {
	name := fileName(p)
	if name == "" {
		name = unnamedFile(strings.ToLower(p.ContentType))
	}
	return newAttachment(name, valid(p.ContentType), p.Content, inline, valid(p.ContentID))
}

// newAttachment describes a file: size and sha256 are of content.
func newAttachment(name, contentType string, content []byte, inline bool, contentID string) Attachment {
	sum := sha256.Sum256(content)
	return Attachment{
		Filename:    name,
		ContentType: strings.ToLower(contentType),
		Size:        int64(len(content)),
		SHA256:      hex.EncodeToString(sum[:]),
		ContentID:   contentID,
		Inline:      inline,
		Content:     content,
	}
}

// unnamedFile names a part that carries no file name after its type, so that
// an agent can tell a bounce's report from a forwarded mail.
func unnamedFile(contentType string) string {
	switch contentType {
	case "message/rfc822":
		return "message.eml"
	case "message/delivery-status", "message/global-delivery-status":
		return "delivery-status.txt"
	case "text/rfc822-headers", "message/global-headers":
		return "headers.txt"
	case "message/disposition-notification":
		return "disposition-notification.txt"
	}
	if _, sub, ok := strings.Cut(contentType, "/"); ok && sub != "" {
		return "unnamed." + sub
	}
	return "unnamed"
}

// fallback fills msg from a mail whose MIME enmime could not read: headers as
// far as they go, the rest as text.
func fallback(msg *Message, raw []byte, cause error, opts Options, depth int) {
	msg.Problems = append(msg.Problems, "MIME structure unreadable, body kept as text: "+valid(cause.Error()))
	hdr, rest := splitHeader(raw)
	readHeaders(msg, hdr, opts)
	msg.Text = body(string(rest), true)
	msg.Automated = Classify(hdr, false)
	derive(msg, opts, depth)
	classifyMachineMail(msg, raw, depth)
}

// classifyMachineMail finishes what the headers began: a non-delivery report
// found in the body is a bounce, an out-of-office subject an automatic reply
// (so that no acknowledgement answers it), and Kind says which. Embedded
// mails are not searched for bounces.
func classifyMachineMail(msg *Message, raw []byte, depth int) {
	if depth == 0 {
		msg.Bounce = DetectBounce(raw, msg)
	}
	if msg.Bounce != nil && msg.Automated == "" {
		msg.Automated = AutoBounce
	}
	if msg.Automated == "" && IsOutOfOffice(msg.Subject) {
		msg.Automated = AutoReply
	}
	msg.Kind = kindOf(msg)
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// valid returns s with invalid UTF-8 sequences replaced by U+FFFD.
func valid(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
