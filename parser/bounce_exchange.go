package parser

import "strings"

// This file reads the notices of Microsoft Exchange Server 2003 and its
// Internet Mail Service/Connector: "Your message ... did not reach the
// following recipient(s):", each recipient followed by the reason and an
// "MSEXCH:" line whose code in parentheses names the failure.

func isExchange2003(m *bounceMail, lower string) bool {
	if len(m.header.Values("X-Ms-Embedded-Report")) > 0 {
		return true
	}
	xm := strings.TrimSpace(get(m.header, "X-Mailer"))
	if strings.HasPrefix(xm, "Internet Mail Service (") || strings.HasPrefix(xm, "Microsoft Exchange Server Internet Mail Connector") {
		return true
	}
	if strings.HasPrefix(strings.TrimSpace(get(m.header, "X-Mimeole")), "Produced By Microsoft Exchange") {
		return true
	}
	for _, r := range m.header.Values("Received") {
		if strings.Contains(r, " with Internet Mail Service (") {
			return true
		}
	}
	return false
}

// exchangeCodes are the MSEXCH error codes and what they mean.
var exchangeCodes = map[string]string{
	"000C05A6": "userunknown",   // Unknown Recipient
	"000C0595": "filtered",      // Ambiguous Recipient
	"00010256": "systemerror",   // Too many recipients
	"000D06B5": "systemerror",   // No proxy for recipient
	"00120270": "networkerror",  // Too Many Hops
	"00050311": "contenterror",  // Conversion to Internet format failed
	"000502CC": "contenterror",  // Conversion to Internet format failed
	"000B0981": "securityerror", // 502 Server does not support AUTH
	"000B099C": "onhold",        // Host Unknown, Message exceeds size limit, ...
	"000B09AA": "onhold",        // Unable to relay for, Message exceeds size limit, ...
	"000B09B6": "onhold",        // Error messages by the remote MTA
}

// readExchange2003 reads, after the quoted To, Subject and Sent of the
// returned message, each "address on date" line and the lines below it:
// the MSEXCH line is the diagnostic, the others its explanation.
func readExchange2003(m *bounceMail, notice string) []failure {
	var n noticeLines
	var other [][]string // explanation lines of each recipient
	headers, exch := 0, false
	for _, line := range noticeLinesAfter(notice, false, func(line string) bool {
		return strings.HasPrefix(line, "Your message")
	}) {
		if headers < 3 {
			t := strings.TrimSpace(line)
			if strings.HasPrefix(t, "To:") || strings.HasPrefix(t, "Subject:") || strings.HasPrefix(t, "Sent:") {
				headers++
			}
			continue
		}
		if at := strings.IndexByte(line, '@'); at >= 0 && strings.Contains(line[at:], " on ") {
			rcpt := strings.TrimSpace(line[:at+strings.Index(line[at:], " on ")])
			lower := strings.ToLower(line)
			if i := strings.Index(lower, ":smtp="); i >= 0 {
				if j := strings.Index(lower[i:], "; on "); j > 0 {
					rcpt = line[i+6 : i+j]
				}
			}
			n.add(failure{recipient: rcpt})
			other = append(other, nil)
			exch = false
			continue
		}
		f := n.last()
		switch {
		case f == nil:
		case strings.HasPrefix(line, " ") && strings.Contains(line, "MSEXCH:"):
			if f.diag == "" {
				f.diag = strings.TrimSpace(line)
			} else {
				n.note(strings.TrimSpace(line))
			}
		case exch:
		case strings.HasPrefix(f.diag, "MSEXCH:"):
			// The MSEXCH line continues on the next line.
			exch = true
			n.note(line)
		default:
			other[len(other)-1] = append(other[len(other)-1], line)
		}
	}
	out := n.failures(" ")
	for i := range out {
		f := &out[i]
		diag := cleanDiag(f.diag)
		if open, close := strings.IndexByte(diag, '('), strings.IndexByte(diag, ')'); strings.HasPrefix(diag, "MSEXCH:") && open > 0 && close > open {
			if r, ok := exchangeCodes[diag[open+1:close]]; ok {
				f.reason = r
				f.status = internalStatus(r, false)
			}
			f.diag = strings.TrimSpace(diag[close+1:])
		}
		if explanation := strings.Join(other[i], " "); f.reason == "" && strings.TrimSpace(explanation) != "" {
			f.diag = cleanDiag(explanation + " " + f.diag)
		}
	}
	return out
}
