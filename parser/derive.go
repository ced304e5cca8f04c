package parser

import (
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
	for _, a := range msg.Attachments {
		if a.ContentType != "message/rfc822" || depth >= maxEmbedDepth {
			continue
		}
		inner, _ := parse(a.Content, opts, depth+1)
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
		msg.Forwarded = append(msg.Forwarded, f)
	}
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
