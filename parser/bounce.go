package parser

import (
	"bytes"
	"net/mail"
	"strings"
)

// Bounce is what a non-delivery report says about one failed recipient.
// Reports about several recipients give the first here and the rest in
// Others, in the order the report names them.
type Bounce struct {
	// Recipient is the address that failed, lower case.
	Recipient string `json:"recipient"`
	// Status is the RFC 3463 enhanced status code, e.g. "5.1.1". When the
	// report gives none, it is sisimai's code for the reason found in the
	// text: class, "0" and a detail from 900 up ("5.0.911" user unknown,
	// "4.0.947" expired). It is empty for a feedback report (RFC 5965).
	Status string `json:"status"`
	// ReplyCode is the RFC 5321 reply code when the report quotes one.
	ReplyCode int `json:"reply_code,omitempty"`
	// Hard is true when retrying cannot help: the user or the domain does
	// not exist, the mailbox has moved, or the host accepts no mail. A full
	// mailbox, a spam block or an expired queue are soft even with a 5.x.x
	// code, as sisimai has them.
	Hard bool `json:"hard"`
	// Reason is one word for the cause, from sisimai's vocabulary:
	// userunknown, hostunknown, hasmoved, mailboxfull, filtered, rejected,
	// blocked, spamdetected, expired, suspend, mesgtoobig, networkerror,
	// systemerror, feedback, ... ("onhold" when the text gives no clue).
	Reason string `json:"reason,omitempty"`
	// Others are the further failed recipients of the same report.
	Others []Bounce `json:"others,omitempty"`
}

// failure is one recipient's entry as a report format gives it, before the
// status, reason and hardness are settled.
type failure struct {
	recipient string
	status    string // the Status field or what the format states
	diag      string // diagnostic text: the remote server's answer or the MTA's words
	spec      string // diagnostic type: "smtp", "x-unix", ...
	reply     string // reply code the format states
	action    string // RFC 3464 Action: failed, delayed, delivered, ...
	command   string // the SMTP command that failed: RCPT, DATA, MAIL, HELO, ...
	reason    string // a reason the format states outright
	rhost     string // the remote host that refused the mail, when known
}

// DetectBounce returns what the mail says if it is a bounce, else nil:
// an RFC 3464 delivery status notification (in an RFC 6522 multipart/report
// or not), an RFC 5965 feedback report (Reason "feedback"), or a classic
// non-standard bounce of the big MTAs and providers (Postfix, Sendmail,
// Exim, qmail, Exchange and Office 365, Gmail, Yahoo, Lotus Notes and
// Domino, Courier, ...). An automatic reply (out of office) is no bounce.
//
// raw is the whole mail; msg is what Parse made of it (Parse is called when
// msg is nil). DetectBounce does no I/O and never panics.
func DetectBounce(raw []byte, msg *Message) *Bounce {
	return detectBounce(raw, msg, 0)
}

// detectBounce is DetectBounce at a depth of returned messages: a mail
// system that relays another's notice as an attachment (a gateway in
// front of the MTA) is read through to that notice, once.
func detectBounce(raw []byte, msg *Message, depth int) *Bounce {
	if msg == nil {
		msg, _ = Parse(raw)
	}
	m := newBounceMail(raw, msg)
	fs := m.failures()
	if len(fs) == 0 && depth == 0 && m.isMachine() {
		tried := 0
		for _, p := range m.parts {
			if p.ContentType == "message/rfc822" && len(p.Content) > 0 && tried < 3 {
				tried++
				if b := detectBounce(p.Content, nil, depth+1); b != nil {
					return b
				}
			}
		}
	}
	var out *Bounce
	seen := map[string]bool{}
	for _, f := range fs {
		f.recipient = cleanAddress(f.recipient)
		if f.recipient == "" || seen[f.recipient] || delivered(f) {
			continue
		}
		seen[f.recipient] = true
		b := m.settle(f)
		if out == nil {
			out = &b
		} else {
			out.Others = append(out.Others, b)
		}
	}
	return out
}

// delivered tells a recipient a report says the mail reached or was passed
// on (RFC 3464 section 2.3.3 actions delivered, relayed, expanded): no
// failure.
func delivered(f failure) bool {
	switch f.action {
	case "delivered", "relayed", "expanded":
		return true
	}
	return strings.HasPrefix(f.status, "2.")
}

// Limits that keep DetectBounce fast on any mail: no MTA's notice is
// longer than maxNotice, no report names more than maxFailures recipients
// and no diagnostic needs more than maxDiag bytes to tell its cause. Text
// beyond them is not read.
const (
	maxNotice   = 256 << 10
	maxFailures = 1000
	maxDiag     = 16 << 10
)

// head returns the first n bytes of s at most, cut before a line end when
// it must be cut, and never inside a UTF-8 sequence.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	if i := strings.LastIndexByte(s, '\n'); i > 0 {
		return s[:i]
	}
	return strings.ToValidUTF8(s, "")
}

// bounceMail holds the pieces of a mail the report formats read.
type bounceMail struct {
	header  rawHeader
	subject string // as decoded, lower case
	from    string // From address, lower case
	text    string // the human-readable body
	parts   []Attachment
	notice  string // the text of a non-standard notice, once formatFailures read it
}

// newBounceMail gathers what the report formats read from a mail.
func newBounceMail(raw []byte, msg *Message) *bounceMail {
	// An mbox "From " line may lead the mail (RFC 4155).
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[i+1:]
		}
	}
	h, _ := splitHeader(raw)
	m := &bounceMail{header: h, subject: strings.ToLower(msg.Subject), text: head(msg.Text, maxNotice), parts: msg.Attachments}
	if msg.From != nil {
		m.from = msg.From.Addr
	}
	if m.text == "" && msg.HTML != "" {
		m.text = head(htmlText(head(msg.HTML, 4*maxNotice)), maxNotice)
	}
	return m
}

// failures reads the mail's failed recipients: from a feedback report, a
// provider's own form, a delivery status report and the text of the
// notice, the report's fields first and the text filling in what they
// leave out.
func (m *bounceMail) failures() []failure {
	if fs := m.feedbackReport(); len(fs) > 0 {
		return fs
	}
	for _, read := range vendorFormats {
		if fs, ok := read(m); ok {
			return fs
		}
	}
	dsn := m.deliveryStatus()
	if len(dsn) == 0 && IsOutOfOffice(m.subject) && !bounceSubject.MatchString(m.subject) {
		return nil // an automatic reply, not a notice about one
	}
	text, format := m.formatFailures()
	if format != nil && format.textOnly && len(text) > 0 {
		dsn = nil
	}
	if len(dsn) > maxFailures {
		dsn = dsn[:maxFailures]
	}
	if len(text) > maxFailures {
		text = text[:maxFailures]
	}
	fs := mergeFailures(dsn, text, format)
	if len(fs) == 0 && (len(dsn) > 0 || m.hasReportPart()) {
		// A report that names no recipient ("--- Delivery report
		// unavailable ---").
		var d failure
		if len(dsn) > 0 {
			d = dsn[0]
		}
		fs = m.reportRecipients(d)
	}
	if format != nil {
		format.settle(m, fs)
	}
	return fs
}

// mergeFailures joins what a delivery status report and the notice's text
// say: the report's fields win, the text names recipients the report
// leaves out (a pipe or a file) and gives a diagnostic and the command
// where the report has none. The i-th entries are paired when both name as
// many recipients, else entries with the same recipient.
func mergeFailures(dsn, text []failure, format *mtaFormat) []failure {
	if len(dsn) == 0 {
		return text
	}
	byRecipient := map[string]int{}
	for j := len(text) - 1; j >= 0; j-- {
		byRecipient[cleanAddress(text[j].recipient)] = j
	}
	var out []failure
	for i, d := range dsn {
		var t *failure
		if len(dsn) == len(text) {
			t = &text[i]
		} else if j, ok := byRecipient[d.recipient]; ok && d.recipient != "" {
			t = &text[j]
		}
		if t != nil {
			fillFromText(&d, *t, format != nil && format.name == "postfix")
		}
		if d.recipient != "" {
			out = append(out, d)
		}
	}
	return out
}

// fillFromText completes a report's entry d with what the notice's text t
// says about the same recipient: the recipient when d names none, the
// diagnostic when d has none or t's says more (holds d's and a code), and
// the command that failed. Postfix's text also gives the status when the
// report's is vague ("5.0.0"): it quotes the remote server's answer whole.
func fillFromText(d *failure, t failure, postfix bool) {
	if d.recipient == "" {
		d.recipient = t.recipient
	}
	if t.command != "" {
		d.command = t.command
	}
	tdiag := cleanDiag(t.diag)
	if tdiag == "" {
		return
	}
	ddiag := cleanDiag(d.diag)
	if ddiag == "" {
		d.diag = t.diag
		return
	}
	var code, reply string
	if postfix && (d.status == "" || strings.HasSuffix(d.status, ".0.0")) {
		if code = findStatus(tdiag); code != "" && !strings.HasSuffix(code, ".0.0") {
			d.status = code
		}
	}
	if d.reply == "" || strings.HasSuffix(d.reply, "00") {
		if reply = findReply(tdiag, ""); reply != "" && !strings.HasSuffix(reply, "00") {
			d.reply = reply
		}
	}
	if code+reply != "" && len(tdiag) >= len(ddiag) && strings.Contains(tdiag, ddiag) {
		d.diag = t.diag
	}
}

// reportRecipients names the recipients of a delivery status report that
// names none: those of X-Failed-Recipients, else the returned message's To.
func (m *bounceMail) reportRecipients(d failure) []failure {
	var out []failure
	for _, v := range m.header.Values("X-Failed-Recipients") {
		for _, a := range strings.Split(v, ",") {
			d.recipient = a
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		if to := m.originalHeader("To"); to != "" {
			d.recipient = to
			out = append(out, d)
		}
	}
	return out
}

// settle decides a failure's status, reason and hardness (see Bounce).
func (m *bounceMail) settle(f failure) Bounce {
	diag := cleanDiag(f.diag)
	status := f.status
	reply := f.reply
	if diag != "" {
		inText := findStatus(diag)
		replyInText := findReply(diag, inText)
		status = preferStatus(status, inText, replyInText)
		if reply == "" {
			reply = replyInText
		}
	}
	f.status, f.diag, f.reply = status, diag, reply
	reason := ""
	if vagueReasons[f.reason] {
		reason = m.providerReason(f)
	}
	if reason == "" {
		reason = findReason(f)
	}
	b := Bounce{Recipient: f.recipient, Reason: reason}
	switch reason {
	case "feedback", "vacation":
		return b
	}
	if status == "" {
		status = internalStatus(reason, isTemporary(strings.TrimSpace(reply+" "+diag)))
	}
	b.Status = status
	// A reply code of another class than the status belongs to something else.
	if reply != "" && status != "" && reply[0] != status[0] {
		reply = findReply(diag, status[:1])
	}
	b.ReplyCode = replyCodeInt(reply)
	ctx := strings.TrimSpace(f.status + " " + diag)
	b.Hard = isHard(reason, ctx)
	return b
}

// cleanAddress returns the bare, lower-case address of an RCPT or a
// Final-Recipient value ("rfc822; <a@b>", "<a@b>", "a@b (comment)"), "" when
// it holds none.
func cleanAddress(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, ';'); i >= 0 && !strings.Contains(v[:i], "@") {
		v = strings.TrimSpace(v[i+1:])
	}
	if a, err := mail.ParseAddress(v); err == nil {
		v = a.Address
	} else if m := angleAddr.FindStringSubmatch(v); m != nil {
		v = m[1]
	} else if fields := strings.Fields(v); len(fields) > 0 {
		v = strings.Trim(fields[0], "<>\"'()[]:;,.")
	} else {
		return ""
	}
	v = strings.ToLower(strings.Trim(v, "<>\"'"))
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || at == len(v)-1 || strings.ContainsAny(v, " \t<>()") {
		return ""
	}
	return valid(v)
}

// cleanDiag joins a diagnostic text onto one line with single spaces, its
// first maxDiag bytes.
func cleanDiag(s string) string {
	return strings.TrimSpace(collapseSpace(head(s, maxDiag)))
}

// htmlText is a crude text form of an HTML body, enough to search it.
func htmlText(h string) string {
	var b strings.Builder
	in := false
	for _, r := range h {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}
