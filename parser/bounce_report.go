package parser

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"
)

// This file reads the standard reports: RFC 3464 delivery status
// notifications, carried in an RFC 6522 multipart/report or, by some MTAs,
// in the text body, and RFC 5965 abuse feedback reports.

// dsnField matches one "Name: value" line of a delivery status or feedback
// report (RFC 3464 section 2.1, RFC 5965 section 3.1); mailers that put
// the fields in the text indent them.
var dsnField = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)$`)

// dsnFields are the RFC 3464 section 2.3 per-recipient fields read here,
// and the X- fields some MTAs add with the same meaning.
var dsnFields = map[string]bool{
	"final-recipient": true, "original-recipient": true, "x-actual-recipient": true,
	"action": true, "status": true, "diagnostic-code": true, "remote-mta": true,
	"last-attempt-date": true, "will-retry-until": true, "x-supplementary-info": true,
	"x-display-name": true, "reporting-mta": true, "received-from-mta": true,
	"arrival-date": true, "x-postfix-sender": true, "x-postfix-queue-id": true,
}

// deliveryStatus reads the per-recipient fields of the mail's delivery
// status parts (message/delivery-status, RFC 6531's
// message/global-delivery-status); mails from a mail system without such
// a part are searched for the same fields in their text.
func (m *bounceMail) deliveryStatus() []failure {
	var out []failure
	for _, p := range m.parts {
		switch p.ContentType {
		case "message/delivery-status", "message/global-delivery-status":
			out = append(out, readDSN(head(string(p.Content), maxNotice))...)
		}
	}
	if len(out) > 0 || !m.isMachine() {
		return out // a person quoting a report's fields sends no report
	}
	for _, t := range m.texts() {
		if hasDSNFields(t) {
			out = append(out, readDSN(t)...)
		}
	}
	return out
}

// hasReportPart tells whether the mail carries a delivery status part.
func (m *bounceMail) hasReportPart() bool {
	for _, p := range m.parts {
		if p.ContentType == "message/delivery-status" || p.ContentType == "message/global-delivery-status" {
			return true
		}
	}
	return false
}

// texts are the mail's human-readable parts: the text body and text
// attachments, not the returned original message.
func (m *bounceMail) texts() []string {
	out := []string{m.text}
	size := len(m.text)
	for _, p := range m.parts {
		if size > maxNotice {
			break // a notice is never that long: the rest is no notice
		}
		size += len(p.Content)
		switch p.ContentType {
		case "", "text/plain":
			out = append(out, head(string(p.Content), maxNotice))
		case "application/octet-stream":
			// A text part whose Content-Type is broken reads as binary.
			if len(p.Content) < 1<<16 && utf8.Valid(p.Content) && !bytes.ContainsRune(p.Content, 0) {
				out = append(out, string(p.Content))
			}
		}
	}
	return out
}

// hasDSNFields tells whether a text holds delivery status fields: a
// recipient field and an Action or Status field at the start of lines.
func hasDSNFields(t string) bool {
	lower := strings.ToLower(t)
	hasRcpt := strings.Contains(lower, "final-recipient:") || strings.Contains(lower, "original-recipient:")
	return hasRcpt && (strings.Contains(lower, "\naction:") || strings.Contains(lower, "\nstatus:") ||
		strings.Contains(lower, " action:") || strings.Contains(lower, " status:"))
}

// readDSN reads the per-recipient groups of a delivery status text. Groups
// are separated by blank lines (RFC 3464 section 2.1); a second
// Final-Recipient in one group starts another, for mailers that forget the
// blank line. Folded values are unfolded.
func readDSN(text string) []failure {
	var out []failure
	var cur failure
	var folded []string // continuation lines of the Diagnostic-Code
	var final, original string
	var last string // the field a continuation line belongs to
	flush := func() {
		// A recipient that is no address (a file or a pipe Exim delivered
		// to) is left empty for the text to name.
		cur.recipient = cleanAddress(final)
		if cur.recipient == "" {
			cur.recipient = cleanAddress(original)
		}
		if len(folded) > 0 {
			cur.diag = strings.Join(append([]string{cur.diag}, folded...), " ")
		}
		out = append(out, cur)
		cur, folded, final, original, last = failure{}, nil, "", "", ""
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			if final != "" || original != "" {
				flush()
			}
			last = ""
			continue
		}
		if m := dsnField.FindStringSubmatch(line); m != nil && dsnFields[strings.ToLower(m[1])] {
			name, value := strings.ToLower(m[1]), strings.TrimSpace(m[2])
			if (name == "final-recipient" && final != "") || (name == "original-recipient" && original != "") {
				flush()
			}
			last = name
			switch name {
			case "final-recipient":
				final = value
			case "original-recipient":
				original = value
			case "action":
				cur.action = strings.ToLower(strings.Fields(value + " x")[0])
			case "status":
				cur.status = findStatusField(value)
			case "diagnostic-code":
				cur.spec, cur.diag = splitTyped(value)
				folded = nil
			case "remote-mta":
				_, cur.rhost = splitTyped(value)
			default:
				last = ""
			}
			continue
		}
		if last == "diagnostic-code" && (line[0] == ' ' || line[0] == '\t') {
			folded = append(folded, strings.TrimSpace(line))
			continue
		}
		last = ""
	}
	if final != "" || original != "" {
		flush()
	}
	return out
}

// findStatusField reads a Status field: an enhanced code, perhaps with a
// comment ("5.1.1 (user unknown)"). Mailers that write a reply code there
// ("550") give no status.
func findStatusField(v string) string {
	if m := statusCode.FindString(v); m != "" && strings.HasPrefix(strings.TrimSpace(v), m) {
		return m
	}
	return ""
}

// splitTyped splits a typed value ("smtp; 550 ...", RFC 3464 section 2.3.6)
// into its lower-case type and its text.
func splitTyped(v string) (string, string) {
	if i := strings.IndexByte(v, ';'); i >= 0 && i < 20 && !strings.ContainsAny(v[:i], " \t") {
		return strings.ToLower(strings.TrimSpace(v[:i])), strings.TrimSpace(v[i+1:])
	}
	return "", strings.TrimSpace(v)
}

// feedbackReport reads an RFC 5965 abuse report: every Original-Rcpt-To
// (or Removal-Recipient) is a recipient who complained, with reason
// "feedback" and no status. Apple Mail's unsubscribe requests count too.
func (m *bounceMail) feedbackReport() []failure {
	if strings.EqualFold(strings.TrimSpace(get(m.header, "X-Apple-Unsubscribe")), "true") && m.from != "" {
		// Apple Mail's unsubscribe request (a List-Unsubscribe mailto, RFC
		// 2369) opts its sender out: feedback from that recipient.
		return []failure{{recipient: m.from, reason: "feedback"}}
	}
	var report string
	for _, p := range m.parts {
		if p.ContentType == "message/feedback-report" {
			report = head(string(p.Content), maxNotice)
			break
		}
	}
	if report == "" {
		return m.junkMailReport()
	}
	var rcpts []string
	for _, line := range strings.Split(report, "\n") {
		f := dsnField.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if f == nil {
			continue
		}
		switch strings.ToLower(f[1]) {
		case "original-rcpt-to", "removal-recipient":
			rcpts = append(rcpts, f[2])
		}
	}
	if len(rcpts) == 0 {
		// Reports that leave the recipient out still name it in the
		// returned message's To field.
		if to := m.originalHeader("To"); to != "" {
			rcpts = append(rcpts, to)
		}
	}
	var out []failure
	for _, r := range rcpts {
		out = append(out, failure{recipient: r, reason: "feedback"})
	}
	return out
}

// junkMailReport reads a complaint of Microsoft's Junk Mail Reporting
// Program (Hotmail, Outlook.com): no RFC 5965 report part, the subject
// "complaint about message from <ip>", the reported message attached, and
// the complaining recipient in its X-HmXmrOriginalRecipient field. It is feedback like an RFC 5965 report: a recipient asked not to
// get our mail, reported to the sender's return path by a machine. It must
// never open or change a ticket, so it counts as a bounce (reason
// "feedback", never hard), as sisimai has it.
func (m *bounceMail) junkMailReport() []failure {
	if !strings.HasPrefix(m.subject, "complaint about message from ") {
		return nil
	}
	// Only Microsoft's reporter writes X-HmXmrOriginalRecipient: a person
	// who attaches a mail under such a subject writes no complaint report.
	rcpt := m.originalHeader("X-HmXmrOriginalRecipient")
	if rcpt == "" {
		return nil
	}
	return []failure{{recipient: rcpt, reason: "feedback"}}
}

// originalHeader returns a header field of the returned original message
// (a message/rfc822 or text/rfc822-headers part), "" when there is none.
func (m *bounceMail) originalHeader(name string) string {
	for _, p := range m.parts {
		switch p.ContentType {
		case "message/rfc822", "text/rfc822-headers", "text/rfc822-header", "message/global", "message/global-headers":
			h, _ := splitHeader(p.Content)
			if v := get(h, name); v != "" {
				return v
			}
		}
	}
	return ""
}
