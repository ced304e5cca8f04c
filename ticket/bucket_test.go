package ticket

import (
	"testing"
	"time"
)

func TestBucketTake(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	type step struct {
		after time.Duration // since t0
		ok    bool
	}
	tests := []struct {
		name  string
		size  int
		steps []step
	}{
		{"a new bucket is full", 2, []step{{0, true}, {0, true}, {0, false}}},
		{"refused until a whole token is back", 2, []step{{0, true}, {0, true}, {29 * time.Minute, false}, {30 * time.Minute, true}}},
		{"refill is capped at the size", 1, []step{{0, true}, {10 * time.Hour, true}, {10 * time.Hour, false}}},
		{"a steady stream stays bounded", 1, []step{{0, true}, {time.Minute, false}, {2 * time.Minute, false}, {61 * time.Minute, true}}},
		{"a clock going back takes nothing extra", 1, []step{{time.Hour, true}, {0, false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b Bucket
			for i, s := range tc.steps {
				var ok bool
				b, ok = b.Take(t0.Add(s.after), tc.size, time.Hour)
				if ok != s.ok {
					t.Fatalf("step %d (+%s): ok = %v, want %v (bucket %+v)", i, s.after, ok, s.ok, b)
				}
			}
		})
	}
}
