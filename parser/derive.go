package parser

import (
	"bytes"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// maxEmbedDepth bounds how deep message/rfc822 parts inside each other are
// parsed; deeper ones stay plain attachments.
const maxEmbedDepth = 3

// forwardSubject matches a subject whose first marker is a forward:
// "Fwd:", "FW:", "WG:" (German), "I:" (Italian), "TR:" (French), "Doorst:"
// (Dutch), "RV:"/"ENC:" (Spanish, Portuguese), possibly after [tags].
var forwardSubject = regexp.MustCompile(`(?i)^\s*(?:\[[^\[\]]*\]\s*)*(?:fwd?|wg|i|tr|doorst|rv|enc)\s*(?:\[\d+\]|\(\d+\))?\s*:`)

// forwardMarker matches the separator lines mail clients write above a
// forwarded mail (not the quote header of a reply).
var forwardMarker = regexp.MustCompile(`(?im)^\s*(?:-+\s*(?:forwarded message|weitergeleitete nachricht|messaggio inoltrato|doorgestuurd bericht|message transféré|mensaje reenviado)\s*-+|begin forwarded message:|anfang der weitergeleiteten nachricht:|inizio messaggio inoltrato:|début du message réexpédié\s*:)`)

// isForward reports whether msg forwards other mail rather than replies to
// it: an Outlook reply carries the same From:/Sent: block as a forward, and
// its quote is no trail.
func isForward(msg *Message) bool {
	return forwardSubject.MatchString(msg.Subject) || forwardMarker.MatchString(msg.Text)
}

// derive reads what the bodies say beyond their text: the reply's new text
// and signature, and the mails a forward carries (in the body, and as
// message/rfc822 parts, which are parsed as mails of their own).
func derive(msg *Message, opts Options, depth int) {
	switch {
	case msg.Text != "":
		msg.Reply = ExtractReply(msg.Text)
	case msg.HTML != "":
		msg.Reply = ExtractReplyHTML(msg.HTML)
	}
	readFields(msg, opts)
	if isForward(msg) {
		_, msg.Forwarded = SplitForward(msg.Text)
	}
	for i := range msg.Forwarded {
		msg.Forwarded[i].Date = forwardDate(msg.Forwarded[i].Date)
	}
	n := 0
	for _, a := range msg.Attachments {
		if a.ContentType != "message/rfc822" || depth >= maxEmbedDepth {
			continue
		}
		n++
		prefix := "attached mail " + strconv.Itoa(n) + ": "
		if len(bytes.TrimSpace(a.Content)) == 0 {
			msg.Problems = append(msg.Problems, prefix+"empty message/rfc822 part")
			continue
		}
		inner, _ := parse(a.Content, opts, depth+1)
		for _, p := range inner.Problems {
			msg.Problems = append(msg.Problems, prefix+p)
		}
		f := Forwarded{Subject: inner.Subject, Text: inner.Text}
		if inner.From != nil {
			f.From = inner.From.Addr
			if inner.From.Name != "" {
				f.From = inner.From.Name + " <" + inner.From.Addr + ">"
			}
		}
		if !inner.Date.IsZero() {
			f.Date = inner.Date.Format(time.RFC3339)
		}
		if f.Text == "" {
			f.Text = inner.Reply.NewText
		}
		if f == (Forwarded{}) {
			msg.Problems = append(msg.Problems, prefix+"no sender, date, subject or text")
		} else {
			msg.Forwarded = append(msg.Forwarded, f)
		}
		// The mails it carries in turn belong to the same trail.
		msg.Forwarded = append(msg.Forwarded, inner.Forwarded...)
	}
}

// zoneLayouts are the dates with a zone that mail clients print above a
// forwarded or quoted mail, beyond RFC 5322's (net/mail.ParseDate).
var zoneLayouts = []string{
	"Mon, Jan 2, 2006 at 3:04 PM -0700",
	"Monday, January 2, 2006 3:04 PM -0700",
	"Monday, 2 January 2006 15:04 -0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02T15:04:05Z07:00",
}

// forwardDate gives a trail's date as RFC 3339 in UTC when it can be read
// with its zone, else as written: a date without a zone names no instant.
func forwardDate(d string) string {
	d = strings.TrimSpace(d)
	if d == "" {
		return ""
	}
	if t, err := mail.ParseDate(d); err == nil {
		return t.UTC().Format(time.RFC3339)
	}
	for _, l := range zoneLayouts {
		if t, err := time.Parse(l, d); err == nil {
			return t.UTC().Format(time.RFC3339)
		}
	}
	return d
}

// AttachedItemsField is the Fields key of the number of items (consignment or
// order numbers) in the CSV/TXT lists attached to a mail (SEKO: "If you have
// a list of impacted consignments, please attach").
const AttachedItemsField = "attached_items"

// readFields reads the desk's form from the text (or the HTML when the text
// holds none) and counts attached lists.
func readFields(msg *Message, opts Options) {
	fields := map[string]string{}
	if len(opts.Fields) > 0 {
		f := ReadForm(msg.Text, msg.HTML, opts.Fields)
		msg.Form = &f
		for k, v := range f.Fields {
			fields[k] = v
		}
		msg.Problems = append(msg.Problems, f.Problems...)
	}
	total, lists := 0, 0
	for _, a := range msg.Attachments {
		if isReportPart(a.ContentType) {
			continue // a bounce's delivery-status is no list of consignments
		}
		if n, ok := CountListItems(a.Filename, a.ContentType, a.Content); ok {
			total += n
			lists++
		}
	}
	if lists > 0 {
		fields[AttachedItemsField] = strconv.Itoa(total)
	}
	if len(fields) > 0 {
		msg.Fields = fields
	}
}

// isReportPart reports whether a part is machine report data (RFC 3464,
// RFC 6522, RFC 8098) rather than a file a person attached.
func isReportPart(contentType string) bool {
	return strings.HasPrefix(contentType, "message/") || contentType == "text/rfc822-headers"
}
