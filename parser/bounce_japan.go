package parser

import (
	"strings"
	"unicode/utf8"
)

// This file reads the notices of the Japanese mobile carriers' mail
// systems: au (EZweb, KDDI) and their MTAs' own words.

func isEZweb(m *bounceMail, lower string) bool {
	signs := 0
	from := get(m.header, "From")
	if strings.Contains(from, "Postmaster@ezweb.ne.jp") || strings.Contains(from, "Postmaster@au.com") {
		signs++
	}
	if m.subject == "mail system error - returned mail" {
		signs++
	}
	for _, r := range m.header.Values("Received") {
		if strings.Contains(r, "ezweb.ne.jp (EZweb Mail) with") || strings.Contains(r, ".au.com (") {
			signs++
			break
		}
	}
	if id := get(m.header, "Message-Id"); strings.Contains(id, ".ezweb.ne.jp>") || strings.Contains(id, ".au.com>") {
		signs++
	}
	return signs >= 2
}

// ezwebMessages are EZweb's own words and the reasons they give.
var ezwebMessages = []reasonText{
	{"expired", "Your message was not delivered within "},
	{"mailboxfull", "The user(s) account is temporarily over quota"},
	{"onhold", "Each of the following recipients was rejected by a remote mail server"},
	{"suspend", "The user(s) account is disabled."},
	{"suspend", "The user(s) account is temporarily limited."},
}

// readEZweb reads "<address>" or "Recipient: <address>" lines and what
// follows them, the ">>>" command and "<<<" answer of the session
// included; lines in Japanese are left out.
func readEZweb(m *bounceMail, notice string) []failure {
	if i := strings.Index(notice, "--------------------------------------------------"); i >= 0 {
		notice = notice[:i]
	}
	var n noticeLines
	n.add(failure{})
	for _, line := range noticeLinesAfter(notice, true, func(line string) bool {
		for _, p := range []string{"The user(s) ", "Your message ", "Each of the following", "<"} {
			if strings.HasPrefix(line, p) {
				return true
			}
		}
		return false
	}) {
		if line == "" || !isASCII(line) {
			continue
		}
		f := n.last()
		lt, at := strings.IndexByte(line, '<'), strings.IndexByte(line, '@')
		if lt >= 0 && at > lt && strings.Contains(line[at:], ">") && (strings.Index(line, "Recipient: <") > 1 || lt == 0) {
			if f.recipient != "" {
				f = n.add(failure{})
			}
			f.recipient = line[lt+1 : at+strings.IndexByte(line[at:], '>')]
		} else if strings.Contains(line, " >>> ") {
			f.command = smtpCommand(line)
		}
		n.note(line)
	}
	out := n.failures(" ")
	for i := range out {
		f := &out[i]
		diag := cleanDiag(f.diag)
		if f.command == "" {
			f.command = smtpCommand(diag)
		}
		if strings.TrimSpace(get(m.header, "X-Spasign")) == "NG" {
			f.reason = "filtered" // au's spam filter refused it
		} else {
			f.reason = reasonIn(diag, ezwebMessages)
		}
		if f.reason == "" && !strings.Contains(f.recipient, "@ezweb.ne.jp") && !strings.Contains(f.recipient, "@au.com") && strings.HasPrefix(diag, "<") {
			f.reason = "userunknown"
		}
	}
	if out[0].recipient == "" {
		return nil
	}
	return out
}

// isASCII tells whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isKDDI tells au's (KDDI's) notices by their sender, Reply-To or Received.
func isKDDI(m *bounceMail, lower string) bool {
	from := get(m.header, "From")
	if strings.Contains(from, "no-reply@.") || strings.Contains(from, ".dion.ne.jp") || strings.Contains(get(m.header, "Reply-To"), "no-reply@app.auone-net.jp") {
		return true
	}
	for _, r := range m.header.Values("Received") {
		if strings.Contains(r, "ezweb.ne.jp (") || strings.Contains(r, ".au.com (") {
			return true
		}
	}
	return false
}

// kddiMessages are the words of au's (KDDI's) notices.
var kddiMessages = []reasonText{
	{"mailboxfull", "As their mailbox is full"},
	{"norelaying", "Due to the following SMTP relay error"},
	{"hostunknown", "As the remote domain doesnt exist"},
}

// readKDDI reads "Your mail sent on: ... Could not be delivered to: <a@b>"
// and the indented lines after it.
func readKDDI(m *bounceMail, notice string) []failure {
	var n noticeLines
	for _, line := range noticeLinesAfter(notice, true, func(line string) bool {
		return strings.HasPrefix(line, "Your mail sent on:") || strings.HasPrefix(line, "Your mail attempted to be delivered on:")
	}) {
		if line == "" {
			continue
		}
		if _, after, ok := strings.Cut(line, " Could not be delivered to: <"); ok {
			rcpt, _, _ := strings.Cut(after, ">")
			n.add(failure{recipient: rcpt})
		} else if strings.HasPrefix(line, " ") {
			n.note(line)
		}
	}
	out := n.failures(" ")
	for i := range out {
		f := &out[i]
		f.command = smtpCommand(f.diag)
		switch {
		case strings.TrimSpace(get(m.header, "X-Spasign")) == "NG":
			f.reason = "filtered"
		case f.command == "RCPT":
			f.reason = "userunknown"
		default:
			f.reason = reasonIn(f.diag, kddiMessages)
		}
	}
	return out
}
