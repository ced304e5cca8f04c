package ticket

import "testing"

func TestSimilar(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"labels not printing", "Labels are not printing!", true},
		{"labels not printing", "labels not printing at depot 2", true},
		{"labels not printing", "invoice totals wrong", false},
		{"Etiketten werden nicht gedruckt", "Etiketten werden nicht gedruckt (Lager 3)", true},
		{"printer", "printer", true},
		{"printer offline", "scanner offline", false},
		{"", "labels", false},
		{"the and", "the and", false},
	}
	for _, tc := range tests {
		if got := Similar(tc.a, tc.b); got != tc.want {
			t.Errorf("Similar(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if Similar(tc.a, tc.b) != Similar(tc.b, tc.a) {
			t.Errorf("Similar(%q, %q) is not symmetric", tc.a, tc.b)
		}
	}
}
