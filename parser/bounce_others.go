package parser

import "strings"

// This file reads the notices of less common mail systems: Progress iMail
// Server, Verizon's SMS/MMS gateways, Zoho Mail, the fml mailing list
// manager and an unnamed MTA sisimai calls X3.

// isIMailServer tells Progress iMail Server's notices.
func isIMailServer(m *bounceMail, lower string) bool {
	return strings.HasPrefix(m.subject, "undeliverable mail ") || strings.HasPrefix(strings.TrimSpace(get(m.header, "X-Mailer")), "<SMTP32 v")
}

// iMailMessages are iMail Server's words and their reasons.
var iMailMessages = []reasonText{
	{"hostunknown", "Unknown host"},
	{"userunknown", "Unknown user"},
	{"userunknown", "Invalid final delivery userid"},
	{"mailboxfull", "User mailbox exceeds allowed size"},
	{"virusdetected", "Requested action not taken: virus detected"},
	{"spamdetected", "Blacklisted URL in message"},
	{"expired", "Delivery failed "},
}

// readIMailServer reads "Unknown user: a@b" or "undeliverable to a@b"
// lines; the remote server's answer after "Body of message generated
// response:" leads each diagnostic.
func readIMailServer(m *bounceMail, notice string) []failure {
	if i := strings.Index(notice, "Original message follows."); i >= 0 {
		notice = notice[:i]
	}
	var out []failure
	var response strings.Builder
	for _, line := range strings.Split(notice, "\n") {
		line = strings.TrimRight(line, "\r")
		c := strings.Index(line, ": ")
		if c > 8 && strings.Contains(line[c:], "@") || strings.HasPrefix(line, "undeliverable ") {
			if a := addrPattern.FindString(line); a != "" {
				out = append(out, failure{recipient: a, diag: line})
				continue
			}
		}
		if strings.Contains(line, "Body of message generated response:") {
			response.WriteString(line)
		} else if response.Len() > 0 {
			response.WriteString(" " + line)
		}
	}
	for i := range out {
		f := &out[i]
		f.diag = cleanDiag(response.String() + " " + f.diag)
		f.command = smtpCommand(f.diag)
		f.reason = reasonIn(f.diag, iMailMessages)
	}
	return out
}

// isVerizon tells the notices of Verizon's SMS/MMS gateways.
func isVerizon(m *bounceMail, lower string) bool {
	from := strings.ToLower(get(m.header, "From"))
	return strings.Contains(from, "post_master@vtext.com") || strings.Contains(from, "sysadmin@") && strings.Contains(from, ".vzwpix.com")
}

// readVerizon reads the error from "Error: " on; the recipient is the To
// (or "RCPT TO") of the returned message's summary.
func readVerizon(m *bounceMail, _ string) []failure {
	text := strings.Join(m.texts(), "\n")
	notice, original := text, ""
	for _, b := range []string{"Original Message:", "Message details:"} {
		if i := strings.Index(text, b); i >= 0 {
			notice, original = text[:i], text[i:]
			break
		}
	}
	f := failure{}
	if i := strings.Index(notice, "Error: "); i >= 0 {
		f.diag = notice[i:]
	}
	for _, key := range []string{"\nTo: ", "\n  RCPT TO: ", "\nRCPT TO: "} {
		if _, to, ok := strings.Cut(original, key); ok {
			f.recipient, _, _ = strings.Cut(to, "\n")
			break
		}
	}
	if f.recipient == "" {
		return nil
	}
	if d := cleanDiag(f.diag); strings.Contains(d, "550 - Requested action not taken: no such user here") || strings.Contains(d, "No valid recipients") {
		f.reason = "userunknown"
	}
	return []failure{f}
}

// isZoho tells Zoho Mail's notices by its X-ZohoMail header.
func isZoho(m *bounceMail, lower string) bool {
	return len(m.header.Values("X-Zohomail")) > 0
}

// readZoho reads "a@b Invalid Address, ERROR_CODE :550, ..." and
// "[Status: Error, Address: <a@b>, ResponseCode 421, ...]" lines.
func readZoho(m *bounceMail, notice string) []failure {
	if i := strings.Index(notice, "\n\nReceived:"); i >= 0 {
		notice = notice[:i]
	}
	var n noticeLines
	n.add(failure{})
	for _, line := range noticeLinesAfter(notice, false, func(line string) bool {
		return strings.HasPrefix(line, "This message was created automatically by mail delivery")
	}) {
		if line == "" {
			continue
		}
		at := strings.IndexByte(line, '@')
		if at >= 0 && strings.Contains(line[at:], " ") && strings.Contains(line[at:], "ERROR_CODE :") || strings.HasPrefix(line, "[Status: ") {
			f := n.last()
			if f.recipient != "" {
				f = n.add(failure{})
			}
			f.recipient = addrPattern.FindString(line)
			n.note(line)
		} else if !strings.HasPrefix(line, "-----") {
			n.note(line)
		}
	}
	out := n.failures(" ")
	if out[0].recipient == "" {
		return nil
	}
	for i := range out {
		if strings.Contains(out[i].diag, "Host not reachable") {
			out[i].reason = "expired"
		}
	}
	return out
}

// isFML tells the notices of the fml mailing list manager.
func isFML(m *bounceMail, lower string) bool {
	return len(m.header.Values("X-Mlserver")) > 0 && strings.Index(get(m.header, "From"), "-admin@") > 0 &&
		strings.Index(get(m.header, "Message-Id"), ".FML") > 1
}

// fmlMessages are fml's words (body first, then subject) and their reasons.
var fmlMessages = []reasonText{
	{"rejected", " header may cause mail loop"},
	{"rejected", "NOT MEMBER article from "},
	{"rejected", "reject mail from "},
	{"rejected", "reject spammers:"},
	{"rejected", "You are not a member of this mailing list"},
	{"securityerror", "Security alert:"},
	{"systemerror", " has detected a loop condition so that"},
	{"systemerror", "Loop Back Warning:"},
}

var fmlTitles = []reasonText{
	{"rejected", " are not member"}, {"rejected", "NOT MEMBER article from "}, {"rejected", "reject mail "},
	{"rejected", "Spam mail from a spammer is rejected"}, {"systemerror", "fml system error message"},
	{"systemerror", "Loop Alert: "}, {"systemerror", "Loop Back Warning: "}, {"systemerror", "WARNING: UNIX FROM Loop"},
	{"securityerror", "Security Alert"},
}

// readFML reads fml's notice: a line naming an address in angle brackets
// (the list) starts each entry.
func readFML(m *bounceMail, _ string) []failure {
	text := strings.Join(m.texts(), "\n")
	notice, _, _ := strings.Cut(text, "Original mail as follows:")
	var n noticeLines
	for _, line := range strings.Split(notice, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		if lt := strings.IndexByte(line, '<'); lt >= 0 && strings.IndexByte(line[lt:], '>') > 1 {
			n.add(failure{recipient: line[lt+1 : lt+strings.IndexByte(line[lt:], '>')], diag: line})
		} else {
			n.note(line)
		}
	}
	out := n.failures(" ")
	subject := get(m.header, "Subject")
	for i := range out {
		f := &out[i]
		diag := cleanDiag(f.diag)
		f.reason = reasonIn(diag, fmlMessages)
		for _, e := range fmlTitles {
			if f.reason == "" && strings.Contains(subject, e.text) {
				f.reason = e.reason
			}
		}
	}
	return out
}

// isX3 tells the notices of an MTA that writes "This is an automatically
// generated Delivery Status Notification." above "* address" lines and
// "SMTP:RCPT host ...: 553 ..." technical details.
func isX3(m *bounceMail, lower string) bool {
	return strings.HasPrefix(strings.TrimSpace(get(m.header, "From")), "Mail Delivery System") &&
		strings.HasPrefix(m.subject, "delivery status notification") &&
		strings.Contains(lower, "this is an automatically generated delivery status notification.")
}

// readX3 reads "  * address" lines; only the "SMTP:" and "Routing:" lines
// are diagnostics, and "SMTP:RCPT" names the command.
func readX3(m *bounceMail, notice string) []failure {
	var n noticeLines
	for _, line := range noticeLinesAfter(notice, false, func(line string) bool {
		return strings.Contains(line, "This is an automatically generated Delivery Status Notification.")
	}) {
		if _, rest, ok := strings.Cut(line, "  * "); ok && strings.Contains(rest, "@") {
			n.add(failure{recipient: strings.TrimSpace(rest)})
			continue
		}
		f := n.last()
		switch {
		case f == nil:
		case strings.HasPrefix(line, "SMTP:"):
			f.command = smtpCommand(line[5:min(len(line), 10)])
			f.spec = "smtp"
			n.note(line)
		case strings.HasPrefix(line, "Routing: "):
			n.note(line)
		}
	}
	return n.failures(" ")
}
