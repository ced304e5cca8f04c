package ticket

import (
	"strings"
	"testing"
)

// TestSetResolutionMustFitStatus: an explicit resolution is never replaced;
// one that contradicts the status is refused with the reason (gap 7).
func TestSetResolutionMustFitStatus(t *testing.T) {
	for _, tc := range []struct {
		name    string
		from    Status
		prior   Resolution
		change  Change
		want    Status
		wantRes Resolution
		wantErr string
	}{
		{"resolved as cancelled", StatusInProgress, "", Change{Status: StatusResolved, Resolution: ResolutionCancelled}, "", "", "use --status cancelled"},
		{"closed as cancelled", StatusInProgress, "", Change{Status: StatusClosed, Resolution: ResolutionCancelled}, "", "", "use --status cancelled"},
		{"cancelled as duplicate", StatusInProgress, "", Change{Status: StatusCancelled, Resolution: ResolutionDuplicate}, "", "", "--status closed --resolution duplicate"},
		{"resolved as confirmed by the customer", StatusInProgress, "", Change{Status: StatusResolved, Resolution: ResolutionConfirmedByCustomer}, "", "", "still awaits the customer"},
		{"resolved as no response", StatusInProgress, "", Change{Status: StatusResolved, Resolution: ResolutionNoResponse}, "", "", "use --status closed"},
		{"in progress with a resolution", StatusNew, "", Change{Status: StatusInProgress, Assignee: "bob@desk.example", Resolution: ResolutionFixed}, "", "", "not in_progress"},
		{"resolution cancelled on a closed ticket", StatusClosed, ResolutionFixed, Change{Resolution: ResolutionCancelled}, "", "", "use --status cancelled"},
		{"cancelled with cancelled", StatusInProgress, "", Change{Status: StatusCancelled, Resolution: ResolutionCancelled}, StatusCancelled, ResolutionCancelled, ""},
		{"back to waiting drops the resolution", StatusResolved, ResolutionFixed, Change{Status: StatusWaitingCustomer}, StatusWaitingCustomer, "", ""},
		{"resolved needing a quote", StatusInProgress, "", Change{Status: StatusResolved, Resolution: ResolutionQuoteRequired}, StatusResolved, ResolutionQuoteRequired, ""},
		{"resolved moved to another department", StatusInProgress, "", Change{Status: StatusResolved, Resolution: ResolutionMovedDepartment}, StatusResolved, ResolutionMovedDepartment, ""},
		{"closed as duplicate", StatusInProgress, "", Change{Status: StatusClosed, Resolution: ResolutionDuplicate}, StatusClosed, ResolutionDuplicate, ""},
		{"closed as confirmed", StatusResolved, ResolutionFixed, Change{Status: StatusClosed, Resolution: ResolutionConfirmedByCustomer}, StatusClosed, ResolutionConfirmedByCustomer, ""},
		{"closing keeps the resolved ticket's resolution", StatusResolved, ResolutionQuoteRequired, Change{Status: StatusClosed}, StatusClosed, ResolutionQuoteRequired, ""},
		{"resolution changed on a resolved ticket", StatusResolved, ResolutionFixed, Change{Resolution: ResolutionProjectManager}, StatusResolved, ResolutionProjectManager, ""},
		{"the same resolution again (#status resolved, #resolution fixed)", StatusResolved, ResolutionFixed, Change{Resolution: ResolutionFixed}, StatusResolved, ResolutionFixed, ""},
		{"resolution given with the same status", StatusResolved, ResolutionFixed, Change{Status: StatusResolved, Resolution: ResolutionQuoteRequired}, StatusResolved, ResolutionQuoteRequired, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := lcTicket(tc.from)
			tk.Resolution = tc.prior
			tk.Assignee = "bob@desk.example"
			if tc.from == StatusNew {
				tk.Assignee = ""
			}
			tc.change.Actor = "operator"
			dec, err := Set(lcDesk(ReopenTicket, 0), tk, tc.change, lcNow)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || dec.Ticket.Ref != "" {
					t.Fatalf("err = %v (ticket %s/%s), want one saying %q", err, dec.Ticket.Status, dec.Ticket.Resolution, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if dec.Ticket.Status != tc.want || dec.Ticket.Resolution != tc.wantRes {
				t.Errorf("got %s/%s, want %s/%s", dec.Ticket.Status, dec.Ticket.Resolution, tc.want, tc.wantRes)
			}
		})
	}
}

// TestSetNoteIsTheWhy: a note given with a status change is the status
// event's reason, not a separate note (gap 8); alone it stays a note.
func TestSetNoteIsTheWhy(t *testing.T) {
	tk := lcTicket(StatusInProgress)
	tk.Assignee = "bob@desk.example"
	dec, err := Set(lcDesk(ReopenTicket, 0), tk, Change{Actor: "operator", Status: StatusWaitingCustomer, Note: "bitte im Testsystem prüfen"}, lcNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(dec.Events) != 1 || dec.Events[0].Type != EventStatus || dec.Events[0].Reason != "bitte im Testsystem prüfen" {
		t.Errorf("events %+v", dec.Events)
	}
	dec, err = Set(lcDesk(ReopenTicket, 0), tk, Change{Actor: "operator", Status: StatusResolved, Note: "patch 4.2 deployed"}, lcNow)
	if err != nil || len(dec.Events) != 1 || dec.Events[0].Reason != "resolution fixed: patch 4.2 deployed" {
		t.Errorf("resolve with a note: %+v, %v", dec.Events, err)
	}
	dec, err = Set(lcDesk(ReopenTicket, 0), tk, Change{Actor: "operator", Note: "called the customer"}, lcNow)
	if err != nil || len(dec.Events) != 1 || dec.Events[0].Type != EventNote {
		t.Errorf("note alone: %+v, %v", dec.Events, err)
	}
}

// TestInProgressNeedsAnAssignee: like assigned, in_progress has someone
// working on it; an agent acting by mail takes it, an operator must name one.
func TestInProgressNeedsAnAssignee(t *testing.T) {
	d := lcDesk(ReopenTicket, 0)
	for _, tc := range []struct {
		name    string
		from    Status
		asg     string
		change  Change
		wantAsg string
		wantErr string
	}{
		{"operator without assignee", StatusNew, "", Change{Actor: "operator", Status: StatusInProgress}, "", "without an assignee (give --assign)"},
		{"operator names one", StatusNew, "", Change{Actor: "operator", Status: StatusInProgress, Assignee: "bob@desk.example"}, "bob@desk.example", ""},
		{"agent by mail takes it", StatusNew, "", Change{Actor: "Eve@Desk.example", Status: StatusInProgress}, "eve@desk.example", ""},
		{"waiting back to work without assignee", StatusWaitingCustomer, "", Change{Actor: "operator", Status: StatusInProgress}, "", "without an assignee"},
		{"assignee kept", StatusAssigned, "bob@desk.example", Change{Actor: "eve@desk.example", Status: StatusInProgress}, "bob@desk.example", ""},
		{"unassigning work in progress", StatusInProgress, "bob@desk.example", Change{Actor: "operator", Assignee: "-"}, "", "without an assignee"},
		{"unassigned and assigned at once", StatusInProgress, "bob@desk.example", Change{Actor: "operator", Assignee: "-", Status: StatusAssigned}, "", "without an assignee"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := lcTicket(tc.from)
			tk.Assignee = tc.asg
			dec, err := Set(d, tk, tc.change, lcNow)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || dec.Ticket.Status != StatusInProgress || dec.Ticket.Assignee != tc.wantAsg {
				t.Errorf("%s/%q, %v; want in_progress/%q", dec.Ticket.Status, dec.Ticket.Assignee, err, tc.wantAsg)
			}
		})
	}
}
