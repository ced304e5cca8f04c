package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"postdesk/parser"
	"postdesk/store"
	"postdesk/templates"
	"postdesk/threading"
	"postdesk/ticket"
)

// Deps are the outside world the gateway reads: a clock, randomness and a log.
// Tests pass fakes; the daemon passes time.Now, crypto/rand and slog.Default.
type Deps struct {
	Now  func() time.Time
	Rand io.Reader
	Log  *slog.Logger
	// LookupTXT answers DNS TXT queries (DKIM keys, RFC 6376 section 3.6.2);
	// the daemon passes net.DefaultResolver.LookupTXT, tests a table.
	LookupTXT func(ctx context.Context, name string) ([]string, error)
}

// clock reads the time at the precision postdesk records: whole seconds, UTC.
func (d Deps) clock() time.Time { return d.Now().UTC().Truncate(time.Second) }

// Envelope is what SMTP (or the MTA calling `postdesk deliver`) says about a
// mail besides its bytes.
type Envelope struct {
	// MailFrom is the return path; "" is the null return path of bounces.
	MailFrom string
	RcptTo   []string
	// Remote is the client's address, for the log.
	Remote string
	// AuthUser is the identity the client proved with SMTP AUTH on the
	// submission listener (RFC 4954); "" on the public listener.
	AuthUser string
}

// Outcome says what a delivered mail did.
type Outcome struct {
	// Ref is the ticket the mail made or joined ("" for a duplicate whose
	// first delivery failed).
	Ref       string
	Created   bool
	Duplicate bool
	// Report is mail to a return path of ours: a bounce or an automatic
	// answer to our mail, noted on Ref's ticket (bounce.go).
	Report bool
}

// Pipeline takes one raw mail through parse, thread, rules and one store
// transaction. It is safe for concurrent use.
type Pipeline struct {
	store  *store.Store
	cfg    Config
	desk   ticket.Desk
	match  *threading.Matcher
	tmpl   *templates.Set
	deps   Deps
	queued func() // told after a commit that queued mail
	opts   parser.Options
	secret []byte // keys the reply tokens
	words  ticket.Words
	cals   Calendars
}

// NewPipeline wires a pipeline; secret keys the reply tokens (ReplySecret);
// queued (may be nil) is called after each commit that queued outbound mail,
// to wake the outbox worker.
func NewPipeline(cfg Config, st *store.Store, tmpl *templates.Set, deps Deps, secret []byte, queued func()) *Pipeline {
	if queued == nil {
		queued = func() {}
	}
	cals, err := cfg.BuildCalendars()
	if err != nil { // Validate builds them too: a valid config never gets here
		deps.Log.Error("calendars", "err", err)
	}
	return &Pipeline{store: st, cfg: cfg, desk: cfg.TicketDesk(), tmpl: tmpl, deps: deps, queued: queued, cals: cals,
		match: threading.NewMatcher(cfg.Desk.Prefix, cfg.Desk.Domain),
		opts:  parserOptions(cfg), secret: secret, words: ticket.CommandWords(cfg.Desk.CommandLanguages)}
}

// Deliver processes one mail. It returns only after the raw message and
// everything derived from it are committed, or with an error after which
// the mail was kept as failed (when even that was possible) and nothing else
// changed. The same mail delivered again changes nothing and succeeds.
//
// A panic anywhere in the pipeline is a failure like any other: it is logged
// with its stack, the mail is kept as failed and the caller gets an error
// (451 over SMTP, so the client sends the mail again).
func (p *Pipeline) Deliver(ctx context.Context, env Envelope, raw []byte) (out Outcome, err error) {
	now := p.deps.clock()
	var rec store.RawMessage // the mail as it will be kept, once parsed
	defer func() {
		if r := recover(); r != nil {
			out, err = Outcome{}, p.keepAfterPanic(ctx, env, raw, rec, now, r)
		}
	}()
	msg, perr := parser.ParseWith(raw, p.opts)
	if perr != nil {
		p.deps.Log.Warn("mail parsed with problems", "message_id", msg.MessageID, "err", perr)
	}
	if id, ok := p.bouncedOutbox(env); ok { // about our mail: never a ticket (bounce.go)
		return p.deliverBounce(ctx, env, msg, raw, id)
	}
	rec = rawRecord(env, msg, raw, now)
	in := inbound(msg, env)
	cm := commandMail{block: ticket.ReadCommands(msg.Reply.NewText, p.words), control: p.isControl(env),
		tokenRef: p.provenTicket(env, in.From)}
	if cm.has() || p.isStaff(ctx, in.From) {
		cm.proof = p.senderProof(ctx, env, raw, in.From)
	}
	var queued bool
	err = p.store.Write(ctx, func(tx *store.Tx) error {
		out, queued = Outcome{}, false
		return p.apply(tx, rec, msg, in, cm, now, &out, &queued)
	})
	var refused errRefused
	var notTaken errNotTaken
	if errors.As(err, &refused) || errors.As(err, &notTaken) {
		p.deps.Log.Info("mail refused", "from", in.From, "err", err, "remote", env.Remote)
		return Outcome{}, err
	}
	if pe := (*store.PanicError)(nil); errors.As(err, &pe) {
		p.deps.Log.Error("pipeline panicked", "panic", fmt.Sprint(pe.Value), "remote", env.Remote,
			"mail_from", env.MailFrom, "stack", string(pe.Stack))
	}
	if err != nil {
		ferr := p.store.Write(ctx, func(tx *store.Tx) error { return tx.RecordFailedRaw(rec, err.Error()) })
		if ferr != nil {
			return Outcome{}, fmt.Errorf("deliver: %w (and keeping it as failed: %w)", err, ferr)
		}
		return Outcome{}, fmt.Errorf("deliver (kept as failed): %w", err)
	}
	if queued {
		p.queued()
	}
	p.deps.Log.Info("mail delivered", "ref", out.Ref, "created", out.Created, "duplicate", out.Duplicate,
		"message_id", msg.MessageID, "from", in.From, "remote", env.Remote)
	return out, nil
}

// keepAfterPanic logs a panic of the pipeline with its stack and keeps the
// mail as failed (under its bytes' hash when it panicked before its record was
// made). It returns the error the caller answers with: the mail was not taken.
func (p *Pipeline) keepAfterPanic(ctx context.Context, env Envelope, raw []byte, rec store.RawMessage,
	now time.Time, panicked any) error {
	p.deps.Log.Error("pipeline panicked", "panic", fmt.Sprint(panicked), "remote", env.Remote,
		"mail_from", env.MailFrom, "stack", string(debug.Stack()))
	if rec.DedupeKey == "" {
		rec = rawRecord(env, &parser.Message{}, raw, now)
	}
	err := fmt.Errorf("deliver: pipeline panicked: %v", panicked)
	if ferr := p.store.Write(ctx, func(tx *store.Tx) error { return tx.RecordFailedRaw(rec, err.Error()) }); ferr != nil {
		return fmt.Errorf("%w (and keeping it as failed: %w)", err, ferr)
	}
	return fmt.Errorf("%w (kept as failed)", err)
}

func (p *Pipeline) apply(tx *store.Tx, rec store.RawMessage, msg *parser.Message, in ticket.Inbound,
	cm commandMail, now time.Time, out *Outcome, queued *bool) error {
	stored, found, err := tx.RawByDedupeKey(rec.DedupeKey)
	if err != nil {
		return err
	}
	if found && stored.State == store.RawProcessed {
		out.Duplicate, out.Ref = true, stored.Ref
		return nil
	}
	rawID := stored.ID // a retry of a delivery that failed reuses its row
	if !found {
		if rawID, err = tx.InsertRaw(rec); err != nil {
			return err
		}
	}
	if cm.control {
		return p.applyControl(tx, rawID, msg, in, cm, now, out, queued)
	}
	user, err := tx.User(in.From)
	if err != nil {
		return err
	}
	t, found, named, err := p.threadedTicket(tx, msg, in, user, cm.tokenRef)
	if err != nil {
		return err
	}
	var dec ticket.Decision
	var eff effects
	var old *ticket.Ticket // a closed ticket whose answer opens a linked one
	if found {
		if dec, eff, err = p.onTicket(tx, t, in, user, cm, now); err != nil {
			return err
		}
		if dec.OpenLinked {
			old = &t
		} else if err := tx.UpdateTicket(dec.Ticket); err != nil {
			return err
		}
	}
	if !found || old != nil {
		if dec, err = p.open(tx, msg, in, old, named, now); err != nil {
			return err
		}
		out.Created = true
		if dec, eff, err = p.commandsOnNew(tx, dec, in, user, cm, now); err != nil {
			return err
		}
		if err := p.atOpening(tx, &dec, &eff, now); err != nil {
			return err
		}
		if err := tx.UpdateTicket(dec.Ticket); err != nil {
			return err
		}
	}
	out.Ref = dec.Ticket.Ref
	row := inboundMessage(msg, in, now)
	row.Internal = eff.internal
	if err := tx.AddMessage(dec.Ticket.ID, rawID, &row); err != nil {
		return err
	}
	if err := tx.AddEvents(dec.Ticket.ID, row.ID, dec.Events); err != nil {
		return err
	}
	if err := p.writeEffects(tx, dec.Ticket, eff, in.From, now); err != nil {
		return err
	}
	if err := p.queueAll(tx, out.Created, dec, eff, factsOf(msg, in, user, cm), now, queued); err != nil {
		return err
	}
	return tx.MarkRawProcessed(rawID, dec.Ticket.ID)
}

// resolve finds the ticket a mail belongs to (threading.Resolve), looking up
// what its keys name; provenRef is the ticket a verified reply token names.
func (p *Pipeline) resolve(tx *store.Tx, msg *parser.Message, provenRef string) (threading.Match, error) {
	prefix := p.cfg.Desk.Prefix
	keys := p.match.Keys(msg)
	if provenRef != "" {
		if n, err := p.match.ParseRef(provenRef); err == nil {
			keys.Token = n
		}
	}
	byID, err := tx.TicketNumbersByMessageID(prefix, keys.MessageIDs)
	if err != nil {
		return threading.Match{}, err
	}
	exists, err := tx.ExistingNumbers(prefix, p.match.Candidates(keys))
	if err != nil {
		return threading.Match{}, err
	}
	return p.match.Resolve(keys, threading.Known{ByMessageID: byID, Exists: exists}), nil
}

// open creates the ticket a mail opens: a new one (after the registration
// policy admits the sender), linked to the tickets its text names and to the
// ticket named (a stranger's mail naming a ticket they take no part in); or,
// when old is set, the new ticket an answer to that closed ticket opens.
// Links are recorded on both sides; the sender is told nothing of them.
func (p *Pipeline) open(tx *store.Tx, msg *parser.Message, in ticket.Inbound, old, named *ticket.Ticket,
	now time.Time) (ticket.Decision, error) {
	var err error
	if old == nil {
		if err := p.mayOpen(tx, in); err != nil {
			return ticket.Decision{}, err
		}
	}
	var carried []string
	if old != nil {
		carried = append([]string{old.Requester}, old.Participants...)
	}
	if in.Refused, err = p.refusedParticipants(tx, in, carried); err != nil {
		return ticket.Decision{}, err
	}
	var dec ticket.Decision
	var quoted []ticket.Ticket
	if old != nil {
		dec = ticket.OpenLinked(p.desk, *old, in, now)
	} else {
		dec = ticket.Open(p.desk, in, now)
		if quoted, err = p.quotedTickets(tx, msg); err != nil {
			return ticket.Decision{}, err
		}
		if named != nil && !slices.ContainsFunc(quoted, func(q ticket.Ticket) bool { return q.ID == named.ID }) {
			quoted = append(quoted, *named)
		}
		for _, q := range quoted {
			dec.Ticket.Linked = append(dec.Ticket.Linked, q.Ref)
		}
	}
	if err := tx.CreateTicket(p.cfg.Desk.Prefix, &dec.Ticket); err != nil {
		return ticket.Decision{}, err
	}
	for _, q := range quoted {
		reason := "mentioned by " + dec.Ticket.Ref
		if named != nil && q.ID == named.ID {
			reason = "named by a mail from <" + in.From + ">, who takes no part in this ticket; it opened " + dec.Ticket.Ref
		}
		if err := linkBack(tx, q, dec.Ticket.Ref, in.From, now, reason); err != nil {
			return ticket.Decision{}, err
		}
	}
	if old != nil {
		if err := linkBack(tx, *old, dec.Ticket.Ref, in.From, now,
			"an answer to this "+string(old.Status)+" ticket opened "+dec.Ticket.Ref); err != nil {
			return ticket.Decision{}, err
		}
	}
	return dec, nil
}

// provenTicket finds a reply address among the envelope recipients whose
// token was made for this sender: proof that the sender received mail of
// that ticket. It returns the ticket's reference, "" when there is none.
func (p *Pipeline) provenTicket(env Envelope, sender string) string {
	for _, rcpt := range env.RcptTo {
		ref, token, ok := p.match.ParseReplyAddress(p.desk.Address, p.cfg.Desk.SubaddressDelimiter, rcpt)
		if ok && threading.VerifyToken(p.secret, ref, sender, token) {
			return ref
		}
	}
	return ""
}

// rawRecord is the mail as it will be kept, with the key that recognises a
// second delivery of it: sender and Message-ID, or the bytes' hash when the
// mail has no Message-ID.
func rawRecord(env Envelope, msg *parser.Message, raw []byte, now time.Time) store.RawMessage {
	sum := sha256.Sum256(raw)
	hash := hex.EncodeToString(sum[:])
	key := "sha256:" + hash
	if msg.MessageID != "" {
		key = "msgid:" + senderOf(msg, env) + " " + msg.MessageID
	}
	return store.RawMessage{ReceivedAt: now, MailFrom: env.MailFrom, RcptTo: env.RcptTo,
		MessageID: msg.MessageID, DedupeKey: key, SHA256: hash, Raw: raw, AuthUser: env.AuthUser}
}

// senderOf is the header From address, else the envelope sender.
func senderOf(msg *parser.Message, env Envelope) string {
	if msg.From != nil && msg.From.Addr != "" {
		return msg.From.Addr
	}
	return strings.ToLower(env.MailFrom)
}

func inbound(msg *parser.Message, env Envelope) ticket.Inbound {
	in := ticket.Inbound{
		MessageID: msg.MessageID, From: senderOf(msg, env), Subject: msg.Subject, NewText: msg.Reply.NewText,
		Severity: msg.SubjectFields.Severity, Client: msg.SubjectFields.Client, Summary: msg.SubjectFields.Summary,
		Automated: msg.Automated, NullSender: env.MailFrom == "", XLoop: msg.XLoop, Fields: msg.Fields,
	}
	for _, a := range msg.Cc {
		in.Cc = append(in.Cc, a.Addr)
	}
	for _, a := range msg.To {
		in.To = append(in.To, a.Addr)
	}
	return in
}

func inboundMessage(msg *parser.Message, in ticket.Inbound, now time.Time) ticket.Message {
	m := ticket.Message{Direction: ticket.In, MessageID: msg.MessageID, From: in.From, To: addrs(msg.To),
		Cc: addrs(msg.Cc), Subject: msg.Subject, Text: msg.Text, NewText: msg.Reply.NewText, HTML: msg.HTML, Problems: msg.Problems, CreatedAt: now}
	for _, f := range msg.Forwarded {
		m.Forwarded = append(m.Forwarded, ticket.ForwardedMail(f))
	}
	for _, a := range msg.Attachments {
		m.Attachments = append(m.Attachments, ticket.Attachment{Filename: a.Filename, ContentType: a.ContentType,
			Size: a.Size, SHA256: a.SHA256, ContentID: a.ContentID, Inline: a.Inline, Content: a.Content})
	}
	return m
}

func addrs(list []parser.Address) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.Addr)
	}
	return out
}
