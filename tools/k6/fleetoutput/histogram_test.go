package fleetoutput

import (
	"math"
	"math/rand"
	"testing"
)

// Values computed with functions/core/histogram/exp-histogram.ts bucketIndex: the runner
// merges these histograms bucket for bucket, so both sides must map values alike.
func TestBucketIndexMatchesTheTypeScriptMapping(t *testing.T) {
	for _, c := range []struct {
		v     float64
		scale int
		want  int
	}{
		{1, 3, -1}, {2, 3, 7}, {1.5, 3, 4}, {0.37, 4, -23}, {123.456, 4, 111}, {1e-3, 2, -40},
		{7, 0, 2}, {7, -2, 0}, {0.2, -1, -2}, {1024, 20, 10485759}, {3.3, 20, 1806136},
	} {
		if got := bucketIndex(c.v, c.scale); got != c.want {
			t.Errorf("bucketIndex(%v, %d) = %d, want %d", c.v, c.scale, got, c.want)
		}
	}
}

func lognormal(r *rand.Rand, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Exp(1.5 + 0.8*r.NormFloat64()) // ms, like a loopback latency spread
	}
	return out
}

func total(b buckets) (n uint64) {
	for _, c := range b.counts {
		n += c
	}
	return n
}

func TestObserveKeepsExactStatsAndAtMostMaxBuckets(t *testing.T) {
	vals := append(lognormal(rand.New(rand.NewSource(1)), 50_000), 0, 0, -3.5)
	h := newExpHistogram()
	sum, lo, hi := 0.0, math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		h.observe(v)
		sum += v
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if h.count != uint64(len(vals)) || h.zero != 2 || total(h.neg) != 1 || total(h.pos) != uint64(len(vals)-3) {
		t.Fatalf("counts: count %d zero %d neg %d pos %d", h.count, h.zero, total(h.neg), total(h.pos))
	}
	if h.sum != sum || h.min != lo || h.max != hi {
		t.Fatalf("sum/min/max %v/%v/%v, want %v/%v/%v", h.sum, h.min, h.max, sum, lo, hi)
	}
	if len(h.pos.counts) > maxBuckets || h.scale >= maxScale {
		t.Fatalf("%d buckets at scale %d", len(h.pos.counts), h.scale)
	}
	// Every sample is in the bucket that covers it at the final scale.
	for _, v := range vals[:1000] {
		i := bucketIndex(v, h.scale) - h.pos.offset
		if i < 0 || i >= len(h.pos.counts) || h.pos.counts[i] == 0 {
			t.Fatalf("sample %v not in its bucket", v)
		}
	}
}

// Merging per-interval (or per-tag-set) histograms equals one histogram of all samples,
// bucket for bucket — what makes the fleet's global percentiles independent of the split.
func TestMergeEqualsObservingEverything(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	a, b, all := newExpHistogram(), newExpHistogram(), newExpHistogram()
	for _, v := range lognormal(r, 20_000) {
		a.observe(v)
		all.observe(v)
	}
	for _, v := range lognormal(r, 20_000) {
		v *= 40 // a slow mode: widens the range, so the merge has to downscale
		b.observe(v)
		all.observe(v)
	}
	a.merge(b)
	if a.scale != all.scale || a.pos.offset != all.pos.offset || len(a.pos.counts) != len(all.pos.counts) {
		t.Fatalf("merged scale %d offset %d len %d, want %d %d %d", a.scale, a.pos.offset, len(a.pos.counts), all.scale, all.pos.offset, len(all.pos.counts))
	}
	for i := range a.pos.counts {
		if a.pos.counts[i] != all.pos.counts[i] {
			t.Fatalf("bucket %d: %d, want %d", i, a.pos.counts[i], all.pos.counts[i])
		}
	}
	if a.count != all.count || a.min != all.min || a.max != all.max || math.Abs(a.sum-all.sum) > 1e-6*all.sum {
		t.Fatalf("stats differ: %+v vs %+v", a, all)
	}
}

func BenchmarkObserve(b *testing.B) {
	vals := lognormal(rand.New(rand.NewSource(3)), 4096)
	h := newExpHistogram()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.observe(vals[i&4095])
	}
}
