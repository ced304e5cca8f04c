package ticket

import (
	"fmt"
	"slices"
	"strings"
)

// The commands that customers use too. Each says what it did, or why it is
// refused and what would be accepted.

// resolved: a customer confirms the fix and the ticket closes (SEKO, SEMCO
// "retest passed"); an agent resolves it.
func (r *cmdRun) resolved() (string, error) {
	t := &r.a.Ticket
	if r.s.Staff() {
		return r.set(Change{Status: StatusResolved})
	}
	if t.Status == StatusClosed || t.Status == StatusCancelled {
		return "", fmt.Errorf("%s is %s already", t.Ref, t.Status)
	}
	return r.move(StatusClosed, ResolutionConfirmedByCustomer, "the customer confirms it is resolved")
}

// cancel withdraws a ticket (SEKO, Replica): its requester or an agent may.
func (r *cmdRun) cancel(reason string) (string, error) {
	t := &r.a.Ticket
	if r.s.Staff() {
		return r.set(Change{Status: StatusCancelled, Note: reason})
	}
	if !isRequester(*t, r.s.Email) {
		return "", fmt.Errorf("only the requester (%s) may cancel %s", t.Requester, t.Ref)
	}
	if t.Status == StatusClosed || t.Status == StatusCancelled {
		return "", fmt.Errorf("%s is %s already", t.Ref, t.Status)
	}
	why := "cancelled by the requester"
	if reason != "" {
		why += ": " + reason
	}
	return r.move(StatusCancelled, ResolutionCancelled, why)
}

// escalate flags the ticket with a reason (SEKO); the notification matrix
// decides whom the escalation event tells (the account manager at SEKO).
func (r *cmdRun) escalate(reason string) (string, error) {
	t := &r.a.Ticket
	if reason == "" {
		return "", fmt.Errorf("say why: #escalate all orders are affected")
	}
	if !IsOpen(t.Status) {
		return "", fmt.Errorf("%s is %s; only open tickets are escalated", t.Ref, t.Status)
	}
	if t.Escalated != nil {
		return fmt.Sprintf("%s was escalated already on %s (%s)", t.Ref, t.Escalated.Format("2006-01-02 15:04 MST"), t.EscalationReason), nil
	}
	at := r.now
	t.Escalated, t.EscalationReason = &at, reason
	r.event(EventEscalated, "", "", reason)
	return fmt.Sprintf("%s is escalated", t.Ref), nil
}

// reopen sends a closed or resolved ticket back to work, where the desk
// reopens (OCS, SERA).
func (r *cmdRun) reopen() (string, error) {
	t := &r.a.Ticket
	switch {
	case r.s.Staff():
		return r.set(Change{Status: StatusInProgress})
	case t.Status == StatusResolved:
		return r.move(StatusInProgress, "", "reopened by the customer")
	case t.Status == StatusClosed && r.d.Reopen.Reopens() && r.d.Reopen.withinWindow(closedAt(*t), r.now):
		return r.move(StatusInProgress, "", "reopened by the customer")
	case t.Status == StatusClosed:
		return "", fmt.Errorf("%s is closed and cannot be reopened here: write a new mail that names %s", t.Ref, t.Ref)
	case t.Status == StatusCancelled:
		return "", fmt.Errorf("%s is cancelled: write a new mail that names %s", t.Ref, t.Ref)
	}
	return "", fmt.Errorf("%s is %s: it is open already", t.Ref, t.Status)
}

// share adds a participant; customers within the desk's participant policy.
func (r *cmdRun) share(arg string) (string, error) {
	t := &r.a.Ticket
	addr, err := address(arg, "#share")
	if err != nil {
		return "", err
	}
	switch {
	case IsDeskAddress(r.d.Address, addr):
		return "", fmt.Errorf("%s is the desk itself", addr)
	case isRequester(*t, addr):
		return "", fmt.Errorf("%s is the requester of %s", addr, t.Ref)
	case slices.Contains(t.Participants, addr):
		return fmt.Sprintf("%s takes part in %s already", addr, t.Ref), nil
	}
	switch ok, why := MayParticipate(r.f.Participants, r.f.Org, addr, r.f.Users[addr]); {
	case !ok && why == "":
		return "", fmt.Errorf("%s works for the desk: staff get the ticket's mail through the desk, not as participants", addr)
	case !ok && !r.s.Staff():
		return "", fmt.Errorf("%s", why)
	}
	t.Participants = append(slices.Clone(t.Participants), addr)
	r.event(EventParticipant, "", "", "added "+addr)
	return fmt.Sprintf("%s takes part in %s now", addr, t.Ref), nil
}

// unshare removes a participant: the requester and agents may remove
// anyone, a participant only themselves.
func (r *cmdRun) unshare(arg string) (string, error) {
	t := &r.a.Ticket
	addr, err := address(arg, "#unshare")
	if err != nil {
		return "", err
	}
	if !r.s.Staff() && !isRequester(*t, r.s.Email) && addr != r.s.Email {
		return "", fmt.Errorf("only the requester may remove others; you may remove yourself: #unshare %s", r.s.Email)
	}
	if !slices.Contains(t.Participants, addr) {
		return "", fmt.Errorf("%s does not take part in %s (participants: %s)", addr, t.Ref, orNone(strings.Join(t.Participants, ", ")))
	}
	t.Participants = slices.DeleteFunc(slices.Clone(t.Participants), func(p string) bool { return p == addr })
	r.event(EventParticipant, "", "", "removed "+addr)
	return fmt.Sprintf("%s no longer takes part in %s", addr, t.Ref), nil
}

// link links another ticket; merge also closes this one as its duplicate.
func (r *cmdRun) link(c Command) (string, error) {
	t := &r.a.Ticket
	ref := strings.ToUpper(strings.TrimSpace(c.Args))
	other, ok := r.f.Tickets[ref]
	switch {
	case ref == "":
		return "", fmt.Errorf("write #%s %s-NUMBER", c.Cmd, r.d.Prefix)
	case ref == t.Ref:
		return "", fmt.Errorf("%s cannot be linked to itself", ref)
	case !ok:
		return "", fmt.Errorf("there is no ticket %s", ref)
	}
	if !slices.Contains(t.Linked, other.Ref) {
		t.Linked = append(slices.Clone(t.Linked), other.Ref)
		r.a.Linked = append(r.a.Linked, other.Ref)
		r.event(EventLinked, "", "", "linked to "+other.Ref)
	}
	if c.Cmd == CmdMerge {
		return r.set(Change{Status: StatusClosed, Resolution: ResolutionDuplicate, Note: "merged into " + other.Ref})
	}
	return fmt.Sprintf("%s is linked to %s", t.Ref, other.Ref), nil
}

// address reads the one address a command takes.
func address(arg, cmd string) (string, error) {
	a := strings.ToLower(strings.Trim(strings.TrimSpace(arg), "<>"))
	if strings.Count(a, "@") != 1 || strings.ContainsAny(a, " ,;\"") || strings.HasPrefix(a, "@") || strings.HasSuffix(a, "@") {
		return "", fmt.Errorf("write %s name@example.com (one address)", cmd)
	}
	return a, nil
}
