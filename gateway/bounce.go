package gateway

import (
	"context"
	"fmt"
	"strings"
	"time"

	"postdesk/parser"
	"postdesk/store"
	"postdesk/threading"
	"postdesk/ticket"
)

// Mail to a VERP return path of ours (threading.VERPAddress) is about one
// outbox row: a non-delivery report (RFC 3464 multipart/report, or a
// classic bounce in an MTA's own words) or an automatic answer sent to the
// return path instead of the Reply-To. It never opens a ticket and is never
// answered (RFC 3464 section 2, RFC 3834 section 2): it is kept raw, and
// noted on the ticket of the row for the agents. A hard bounce fails the
// row and counts toward suspending mail to the address (bounces.*).

// returnPath reports whether rcpt is a VERP return path of ours with a
// valid token, and the outbox row it names.
func (p *Pipeline) returnPath(rcpt string) (outboxID int64, ok bool) {
	return threading.ParseVERP(p.cfg.BounceAddress(), p.cfg.Desk.SubaddressDelimiter, rcpt, p.secret)
}

// Takes reports whether rcpt is an address of the desk: the support address
// or a sub-address of it, the control address, or a VERP return path of our
// mail with a valid token; the bare bounce address is none.
func (p *Pipeline) Takes(rcpt string) bool {
	return ticket.IsDeskAddress(p.desk.Address, rcpt) || strings.EqualFold(strings.TrimSpace(rcpt), p.cfg.ControlAddress()) ||
		p.isReturnPath(rcpt)
}

// isReturnPath reports whether rcpt is a VERP return path of ours with a
// valid token: the SMTP server takes mail for it.
func (p *Pipeline) isReturnPath(rcpt string) bool {
	_, ok := p.returnPath(rcpt)
	return ok
}

// bouncedOutbox is the outbox row the first VERP return path among the
// envelope recipients names; ok is false when there is none. Such a mail is
// about our mail, whatever other recipients it has.
func (p *Pipeline) bouncedOutbox(env Envelope) (outboxID int64, ok bool) {
	for _, rcpt := range env.RcptTo {
		if id, ok := p.returnPath(rcpt); ok {
			return id, true
		}
	}
	return 0, false
}

// deliverBounce takes mail sent to the return path of outbox row outboxID,
// in one transaction: the raw mail (deduplicated like any other), what it
// says about the row, and notes on the row's ticket. It creates no ticket
// and queues no mail. A row that is gone leaves the mail kept and nothing
// else. Errors are handled as Deliver handles them.
func (p *Pipeline) deliverBounce(ctx context.Context, env Envelope, msg *parser.Message, raw []byte,
	outboxID int64) (Outcome, error) {
	now := p.deps.clock()
	rec := rawRecord(env, msg, raw, now)
	sender := senderOf(msg, env)
	var out Outcome
	var result string
	err := p.store.Write(ctx, func(tx *store.Tx) error {
		out = Outcome{Report: true}
		var err error
		result, err = p.applyBounce(tx, rec, msg, sender, outboxID, now, &out)
		return err
	})
	if err != nil {
		ferr := p.store.Write(ctx, func(tx *store.Tx) error { return tx.RecordFailedRaw(rec, err.Error()) })
		if ferr != nil {
			return Outcome{}, fmt.Errorf("deliver bounce: %w (and keeping it as failed: %w)", err, ferr)
		}
		return Outcome{}, fmt.Errorf("deliver bounce (kept as failed): %w", err)
	}
	p.deps.Log.Info("mail to a return path taken", "outbox_id", outboxID, "ref", out.Ref, "result", result,
		"duplicate", out.Duplicate, "message_id", msg.MessageID, "from", sender, "remote", env.Remote)
	return out, nil
}

// applyBounce is deliverBounce's transaction; result says what it did, for
// the log.
func (p *Pipeline) applyBounce(tx *store.Tx, rec store.RawMessage, msg *parser.Message, sender string,
	outboxID int64, now time.Time, out *Outcome) (result string, err error) {
	stored, found, err := tx.RawByDedupeKey(rec.DedupeKey)
	if err != nil {
		return "", err
	}
	if found && stored.State == store.RawProcessed {
		out.Duplicate, out.Ref = true, stored.Ref
		return "duplicate", nil
	}
	rawID := stored.ID // a retry of a delivery that failed reuses its row
	if !found {
		if rawID, err = tx.InsertRaw(rec); err != nil {
			return "", err
		}
	}
	o, found, err := tx.OutboxByID(outboxID)
	if err != nil {
		return "", err
	}
	if !found {
		return "outbox row gone", tx.MarkRawProcessed(rawID, 0)
	}
	out.Ref = o.Ref
	notes, result, err := p.bounceEffects(tx, o, msg, sender, now)
	if err != nil {
		return "", err
	}
	evs := make([]ticket.Event, 0, len(notes))
	for _, n := range notes {
		evs = append(evs, ticket.Event{At: now, Actor: "postdesk", Type: ticket.EventNote, Reason: n})
	}
	if err := tx.AddEvents(o.TicketID, 0, evs); err != nil {
		return "", err
	}
	return result, tx.MarkRawProcessed(rawID, o.TicketID)
}

// bounceEffects applies what msg says about outbox row o and returns the
// notes for its ticket:
//   - no bounce: an automatic answer (or a person) wrote to the return path;
//     noted only;
//   - a report about other recipients: noted only;
//   - delayed (RFC 3464 section 2.3.3 Action "delayed"): the sending system
//     still tries; noted only;
//   - a soft failure (full mailbox, expired, blocked ...): the row fails;
//   - a hard failure: the row fails and the bounce counts toward suspending
//     the address (once per row: a second report of the same row does not
//     count again).
func (p *Pipeline) bounceEffects(tx *store.Tx, o store.OutboxMail, msg *parser.Message, sender string,
	now time.Time) (notes []string, result string, err error) {
	ours := fmt.Sprintf("mail to %s (%s, outbox %d)", o.RcptTo, o.Kind, o.ID)
	if msg.Bounce == nil {
		what := "mail"
		if msg.Automated != "" {
			what = "automatic answer"
		}
		return []string{fmt.Sprintf("%s to our %s from %s: %q; kept, not a ticket, not answered",
			what, ours, sender, clip(msg.Subject, 120))}, "automatic answer", nil
	}
	b, ok := bounceFor(*msg.Bounce, o.RcptTo)
	if !ok {
		p.deps.Log.Warn("bounce names other recipients than the outbox row", "outbox_id", o.ID, "rcpt", o.RcptTo,
			"bounced", msg.Bounce.Recipient)
		return []string{fmt.Sprintf("a delivery report about our %s names other recipients (%s); nothing changed",
			ours, bouncedList(*msg.Bounce))}, "other recipient", nil
	}
	cause := strings.TrimSpace(b.Status + " " + b.Reason)
	switch {
	case delayed(msg, b):
		return []string{fmt.Sprintf("%s is delayed: %s; the sending mail system still tries", ours, cause)}, "delayed", nil
	case !b.Hard:
		if err := tx.MarkBounced(o.ID, "bounced: "+cause+" (soft)", now); err != nil {
			return nil, "", err
		}
		return []string{fmt.Sprintf("%s bounced: %s (soft: not counted toward suspension)", ours, cause)}, "soft bounce", nil
	}
	reason := "bounced: " + cause + " (hard)"
	if o.State == store.OutboxFailed && strings.HasPrefix(o.LastError, "bounced: ") && strings.HasSuffix(o.LastError, "(hard)") {
		return []string{fmt.Sprintf("%s bounced again: %s (counted once)", ours, cause)}, "hard bounce again", nil
	}
	if err := tx.MarkBounced(o.ID, reason, now); err != nil {
		return nil, "", err
	}
	notes = []string{fmt.Sprintf("%s bounced: %s", ours, cause)}
	bc := p.cfg.Bounces
	until, err := tx.RecordHardBounce(o.RcptTo, cause, now, bc.SuspendAfter, bc.SuspendFor)
	if err != nil {
		return nil, "", err
	}
	if !until.IsZero() {
		notes = append(notes, fmt.Sprintf("mail to %s suspended until %s after %d hard bounces within %s",
			o.RcptTo, until.Format(time.RFC3339), bc.SuspendAfter, spellDuration(bc.SuspendFor)))
	}
	return notes, "hard bounce", nil
}

// bounceFor is the entry of a report about rcpt, or one that names no
// recipient.
func bounceFor(b parser.Bounce, rcpt string) (parser.Bounce, bool) {
	rcpt = strings.ToLower(strings.TrimSpace(rcpt))
	for _, c := range append([]parser.Bounce{b}, b.Others...) {
		if c.Recipient == "" || c.Recipient == rcpt {
			c.Others = nil
			return c, true
		}
	}
	return parser.Bounce{}, false
}

// bouncedList names the recipients of a report, the first three.
func bouncedList(b parser.Bounce) string {
	var names []string
	for _, c := range append([]parser.Bounce{b}, b.Others...) {
		names = append(names, strings.TrimSpace(c.Recipient+" "+c.Status))
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("and %d more", len(names)-3))
	}
	return strings.Join(names, ", ")
}

// delayed tells a report that the mail is not delivered yet but still
// tried: RFC 3464 section 2.3.3 Action "delayed" for the recipient. A
// notice without a delivery status part is delayed when it is soft, has a
// 4.x.x status (RFC 3463 persistent transient failure) and its subject says
// so ("Delayed Mail (still being retried)", "Warning: message delayed").
func delayed(msg *parser.Message, b parser.Bounce) bool {
	if action, ok := dsnAction(msg, b.Recipient); ok {
		return action == "delayed"
	}
	return !b.Hard && strings.HasPrefix(b.Status, "4.") && strings.Contains(strings.ToLower(msg.Subject), "delay")
}

// dsnAction is the Action field (RFC 3464 section 2.3.3) that the delivery
// status parts of msg (message/delivery-status, or RFC 6533's
// message/global-delivery-status) give for rcpt, lower case; ok is false
// when they name no such recipient. The per-recipient field groups are
// separated by blank lines (section 2.1); the recipient is in
// Final-Recipient or Original-Recipient ("rfc822; addr", sections 2.3.1
// and 2.3.2).
func dsnAction(msg *parser.Message, rcpt string) (action string, ok bool) {
	rcpt = strings.ToLower(rcpt)
	for _, a := range msg.Attachments {
		if a.ContentType != "message/delivery-status" && a.ContentType != "message/global-delivery-status" {
			continue
		}
		text := strings.ReplaceAll(string(a.Content), "\r\n", "\n")
		for _, group := range strings.Split(text, "\n\n") {
			var match bool
			var act string
			for _, line := range strings.Split(group, "\n") {
				name, value, found := strings.Cut(line, ":")
				if !found || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
					continue
				}
				switch strings.ToLower(strings.TrimSpace(name)) {
				case "final-recipient", "original-recipient":
					_, addr, _ := strings.Cut(value, ";")
					match = match || strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>")) == rcpt
				case "action":
					act = strings.ToLower(strings.TrimSpace(value))
				}
			}
			if match && act != "" {
				return act, true
			}
		}
	}
	return "", false
}

// spellDuration writes d in whole days when it is some, else as Go does.
func spellDuration(d time.Duration) string {
	switch {
	case d == 24*time.Hour:
		return "1 day"
	case d > 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}

// clip is s cut to at most n runes, with "..." when cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}
