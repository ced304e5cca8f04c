package ticket

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Proof says how the desk knows a mail comes from its sender.
type Proof string

// Proofs, strongest first. ProofNone means the From header is all there is,
// which anyone can write: commands are then refused.
const (
	ProofSubmission Proof = "submission"   // SMTP AUTH on the submission listener
	ProofDKIM       Proof = "dkim"         // a DKIM signature aligned with the From domain
	ProofAuthRes    Proof = "auth_results" // a trusted MTA's Authentication-Results
	ProofToken      Proof = "token"        // a reply address made for this sender and ticket
	ProofNone       Proof = ""
)

// Sender is who sent a mail of commands, as the gateway established it.
type Sender struct {
	Email string
	// User is the sender's record; nil for an unknown sender.
	User *User
	// Proof is how the sender is proven for the ticket at hand.
	Proof Proof
}

// Staff reports whether the sender works for the desk: an agent, or a
// manager (account or project manager).
func (s Sender) Staff() bool {
	return s.User != nil && (s.User.Role == RoleAgent || s.User.Role == RoleManager)
}

// Facts are what commands need to know beyond their ticket. The gateway
// looks them up before ApplyCommands, which does no I/O.
type Facts struct {
	// Users are the known users among the addresses the commands name.
	Users map[string]*User
	// Tickets are the existing tickets among the references they name.
	Tickets map[string]Ticket
	// Org is the requester's organisation, nil when none.
	Org *Org
	// Participants is the desk's participant policy (ParticipantsAnyone or
	// ParticipantsOrganisation).
	Participants string
}

// Result is what became of one command line.
type Result struct {
	Line string
	Done bool
	// Text says what was done, or why the line was refused and what would
	// be accepted.
	Text string
}

// Applied is the outcome of a mail's commands on one ticket.
type Applied struct {
	// Decision holds the ticket as the commands leave it, the events and
	// the notices. When OK is false it is the ticket unchanged.
	Decision
	Results []Result
	// OK is true when every command was done; otherwise none was.
	OK bool
	// Internal is true when #note made the mail's text an internal note.
	Internal bool
	// List is true when #list asked for the sender's tickets.
	List bool
	// Linked are references newly linked to the ticket; the other side
	// gets the link too.
	Linked []string
}

// ProofHelp is the sentence that tells a sender whose commands were refused
// for lack of proof how to send commands that count.
const ProofHelp = "postdesk could not prove that this mail comes from you. Commands count when you reply to " +
	"a notification of the ticket (its Reply-To address is made for you), when your mail system signs your " +
	"mail with DKIM for your domain, or, for agents, when you send through the desk's authenticated submission port."

// ApplyCommands applies a mail's commands to t for sender s, in order, all
// or nothing: the first refusal keeps t as it was, and every later line is
// reported as not applied. Commands need a proven sender who is allowed on
// the ticket (staff, its requester or a participant).
func ApplyCommands(d Desk, t Ticket, s Sender, cmds []Command, f Facts, w Words, now time.Time) Applied {
	unchanged := Applied{Decision: Decision{Ticket: t}}
	// A refusal of the whole mail comes first, then every line unapplied.
	whole := ""
	switch {
	case len(cmds) > MaxCommands:
		whole = fmt.Sprintf("a mail may carry at most %d commands", MaxCommands)
	case s.Proof == ProofNone:
		whole = ProofHelp
	case !s.Staff() && !isRequester(t, s.Email) && !slices.Contains(t.Participants, s.Email):
		whole = fmt.Sprintf("%s is not the requester, a participant or an agent of %s", s.Email, t.Ref)
	}
	if whole != "" {
		unchanged.Results = []Result{{Text: "refused: " + whole}}
		for _, c := range cmds {
			unchanged.Results = append(unchanged.Results, Result{Line: c.Line, Text: "not applied"})
		}
		return unchanged
	}
	a := unchanged
	run := &cmdRun{d: d, s: s, f: f, w: w, now: now, a: &a}
	refused := false
	for _, c := range cmds {
		if refused {
			a.Results = append(a.Results, Result{Line: c.Line, Text: "not applied"})
			continue
		}
		text, err := run.one(c)
		if err != nil {
			refused = true
			a.Results = append(a.Results, Result{Line: c.Line, Text: "refused: " + err.Error()})
			continue
		}
		a.Results = append(a.Results, Result{Line: c.Line, Done: true, Text: text})
	}
	if refused {
		for i := range a.Results {
			if a.Results[i].Done {
				a.Results[i] = Result{Line: a.Results[i].Line, Text: "not applied"}
			}
		}
		unchanged.Results = a.Results
		return unchanged
	}
	a.OK = true
	if len(a.Events) > 0 {
		a.Ticket.UpdatedAt = now
	}
	return a
}

func isRequester(t Ticket, email string) bool { return strings.EqualFold(t.Requester, email) }

// cmdRun carries one mail's commands while they are applied.
type cmdRun struct {
	d   Desk
	s   Sender
	f   Facts
	w   Words
	now time.Time
	a   *Applied
}

func (r *cmdRun) event(typ EventType, from, to Status, reason string) {
	r.a.Events = append(r.a.Events, Event{At: r.now, Actor: r.s.Email, Type: typ, From: from, To: to, Reason: reason})
}

// one applies one command, returning what it did or why it is refused.
func (r *cmdRun) one(c Command) (string, error) {
	t := &r.a.Ticket
	staffOnly := func() error {
		if !r.s.Staff() {
			return fmt.Errorf("%s is for agents; customers may use %s", c.Word(), strings.Join(customerCommands(r.w), ", "))
		}
		return nil
	}
	switch c.Cmd {
	case "":
		return "", fmt.Errorf("%s is not a command; commands are %s", c.Word(), strings.Join(r.w.Known(), ", "))
	case CmdTicket, CmdThanks:
		return "", fmt.Errorf("%s belongs in a mail to the control address", c.Word())
	case CmdStatus:
		if c.Args == "" {
			return fmt.Sprintf("%s is %s", t.Ref, Describe(*t)), nil
		}
		if err := staffOnly(); err != nil {
			return "", fmt.Errorf("only agents set a state; write #status alone to see it, or %s", strings.Join(customerCommands(r.w), ", "))
		}
		st, ok := readStatus(c.Args)
		if !ok {
			return "", fmt.Errorf("%q is not a state; states are %s", c.Args, statusList(Statuses))
		}
		return r.set(Change{Status: st})
	case CmdAssign:
		if err := staffOnly(); err != nil {
			return "", err
		}
		return r.assign(c.Args)
	case CmdSeverity, CmdPriority, CmdCategory, CmdDepartment:
		if err := staffOnly(); err != nil {
			return "", err
		}
		return r.field(c)
	case CmdResolution:
		if err := staffOnly(); err != nil {
			return "", err
		}
		res, err := ParseResolution(strings.ToLower(strings.TrimSpace(c.Args)))
		if err != nil {
			return "", err
		}
		return r.set(Change{Resolution: res})
	case CmdLink, CmdMerge:
		if err := staffOnly(); err != nil {
			return "", err
		}
		return r.link(c)
	case CmdParticipant:
		verb, addr, _ := strings.Cut(strings.TrimSpace(c.Args), " ")
		switch strings.ToLower(verb) {
		case "add":
			return r.share(addr)
		case "remove":
			return r.unshare(addr)
		}
		return "", fmt.Errorf("write #participant add ADDRESS or #participant remove ADDRESS")
	case CmdShare:
		return r.share(c.Args)
	case CmdUnshare:
		return r.unshare(c.Args)
	case CmdNote:
		if err := staffOnly(); err != nil {
			return "", fmt.Errorf("internal notes are for agents; write your message without #note")
		}
		r.a.Internal = true
		if c.Args != "" {
			r.event(EventNote, "", "", c.Args)
		}
		return "this mail is kept as an internal note and not sent to the customer", nil
	case CmdList:
		r.a.List = true
		return "your tickets are listed below", nil
	case CmdResolved:
		return r.resolved()
	case CmdFailed:
		if t.Status != StatusResolved {
			return "", fmt.Errorf("%s is %s, not resolved; #failed answers a resolution", t.Ref, t.Status)
		}
		return r.move(StatusInProgress, "", "the retest failed")
	case CmdCancel:
		return r.cancel(c.Args)
	case CmdEscalate:
		return r.escalate(c.Args)
	case CmdReopen:
		return r.reopen()
	}
	return "", fmt.Errorf("%s is not a command", c.Word())
}

// customerCommands are the commands a customer may use, one spelling each.
func customerCommands(w Words) []string {
	var out []string
	for _, cmd := range []Cmd{CmdResolved, CmdFailed, CmdCancel, CmdEscalate, CmdShare, CmdUnshare, CmdStatus, CmdList, CmdReopen} {
		out = append(out, "#"+commandWords["en"][cmd][0])
	}
	return out
}

// set applies an agent's Change through the lifecycle rules.
func (r *cmdRun) set(c Change) (string, error) {
	c.Actor = r.s.Email
	dec, err := Set(r.d, r.a.Ticket, c, r.now)
	if err != nil {
		return "", err
	}
	r.a.Ticket = dec.Ticket
	r.a.Events = append(r.a.Events, dec.Events...)
	return fmt.Sprintf("%s is %s", dec.Ticket.Ref, Describe(dec.Ticket)), nil
}

// move changes the state for a customer command (the customer's own moves
// are not the agent's transitions: see CustomerReply).
func (r *cmdRun) move(to Status, res Resolution, reason string) (string, error) {
	t := &r.a.Ticket
	r.event(EventStatus, t.Status, to, reason)
	t.Status, t.Resolution = to, res
	return fmt.Sprintf("%s is %s", t.Ref, Describe(*t)), nil
}

func (r *cmdRun) assign(arg string) (string, error) {
	to := strings.ToLower(strings.TrimSpace(arg))
	switch to {
	case "me", "mir", "mij", "io", "a me":
		to = r.s.Email
	case "nobody", "none", "-", "niemand", "nessuno":
		to = "-"
	case "":
		return "", fmt.Errorf("write #assign me, #assign AGENT-ADDRESS or #assign nobody")
	default:
		u := r.f.Users[to]
		if u == nil || (u.Role != RoleAgent && u.Role != RoleManager) {
			return "", fmt.Errorf("%s is not an agent of this desk; write #assign me, #assign AGENT-ADDRESS or #assign nobody", to)
		}
	}
	return r.set(Change{Assignee: to})
}

// field sets severity, priority, category or department, checked against
// the desk's values.
func (r *cmdRun) field(c Command) (string, error) {
	t := &r.a.Ticket
	v := strings.TrimSpace(c.Args)
	var values []string
	var dst *string
	switch c.Cmd {
	case CmdSeverity:
		n, err := strconv.Atoi(v)
		top := r.d.MaxSeverity
		if top == 0 {
			top = 9
		}
		if err != nil || n < 1 || n > top {
			return "", fmt.Errorf("severity must be a number from 1 to %d", top)
		}
		if n == t.Severity {
			return fmt.Sprintf("%s is severity %d already", t.Ref, n), nil
		}
		r.event(EventChanged, "", "", fmt.Sprintf("severity %d -> %d", t.Severity, n))
		t.Severity = n
		return fmt.Sprintf("%s is severity %d", t.Ref, n), nil
	case CmdPriority:
		values, dst = r.d.Priorities, &t.Priority
	case CmdCategory:
		values, dst = r.d.Categories, &t.Category
	case CmdDepartment:
		values, dst = r.d.Departments, &t.Department
	}
	// The desk's own spelling is kept ("Support" for #department support).
	name := string(c.Cmd)
	if i := slices.IndexFunc(values, func(d string) bool { return strings.EqualFold(d, v) }); i >= 0 {
		v = values[i]
	} else if len(values) == 0 {
		v = strings.ToLower(v)
	}
	if v == "" || (len(values) > 0 && !slices.Contains(values, v)) {
		if len(values) == 0 {
			return "", fmt.Errorf("write #%s VALUE", name)
		}
		return "", fmt.Errorf("%q is not a %s of this desk; write one of %s", v, name, strings.Join(values, ", "))
	}
	if *dst != v {
		r.event(EventChanged, "", "", fmt.Sprintf("%s %s -> %s", name, orNone(*dst), v))
		*dst = v
	}
	return fmt.Sprintf("%s has %s %s", t.Ref, name, v), nil
}

// Describe is a ticket's state in one phrase: "resolved (fixed), assigned
// to bob@desk.example, severity 2".
func Describe(t Ticket) string {
	s := string(t.Status)
	if t.Resolution != "" {
		s += " (" + string(t.Resolution) + ")"
	}
	if t.Assignee != "" {
		s += ", assigned to " + t.Assignee
	}
	if t.Escalated != nil {
		s += ", escalated"
	}
	return s + fmt.Sprintf(", severity %d", t.Severity)
}
