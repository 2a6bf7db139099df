package fleetoutput

import "math"

// The base-2 exponential histogram of functions/core/histogram/exp-histogram.ts, built
// sample by sample inside k6: at scale s, base = 2^(2^-s) and bucket i covers
// (base^i, base^(i+1)]; negative values go to the mirrored negative side; exact zeros to
// zeroCount; count, sum, min and max are exact. A side never spans more than maxBuckets:
// when it would, the scale drops (halving resolution) as the OpenTelemetry SDKs do, so the
// runner's merge (mergeHistograms) of these histograms is exact bucket for bucket.
const (
	maxBuckets = 160
	maxScale   = 20
	minScale   = -10
)

type buckets struct {
	offset int
	counts []uint64
}

type expHistogram struct {
	scale    int
	zero     uint64
	pos, neg buckets
	count    uint64
	sum      float64
	min, max float64
}

func newExpHistogram() *expHistogram { return &expHistogram{scale: maxScale} }

// bucketIndex is exp-histogram.ts bucketIndex: ceil(log2(v)·2^s) − 1 for s > 0; at s ≤ 0
// the scale-0 index (exact for powers of two) grouped by 2^-s.
func bucketIndex(v float64, scale int) int {
	l := math.Log2(v)
	if scale > 0 {
		return int(math.Ceil(l*float64(int(1)<<scale))) - 1
	}
	return (int(math.Ceil(l)) - 1) >> -scale // >> on a signed int floors, like Math.floor
}

func (b *buckets) empty() bool { return len(b.counts) == 0 }

// downscale regroups a side `shift` scale steps coarser (index i → floor(i / 2^shift)).
func (b *buckets) downscale(shift int) {
	if shift == 0 || b.empty() {
		return
	}
	lo := b.offset >> shift
	hi := (b.offset + len(b.counts) - 1) >> shift
	out := make([]uint64, hi-lo+1)
	for i, c := range b.counts {
		out[((b.offset+i)>>shift)-lo] += c
	}
	b.offset, b.counts = lo, out
}

// add puts n samples into absolute bucket idx, growing the dense array as needed.
func (b *buckets) add(idx int, n uint64) {
	if b.empty() {
		b.offset, b.counts = idx, append(b.counts[:0], n)
		return
	}
	if idx < b.offset {
		grown := make([]uint64, b.offset-idx+len(b.counts))
		copy(grown[b.offset-idx:], b.counts)
		b.offset, b.counts = idx, grown
	} else if last := b.offset + len(b.counts) - 1; idx > last {
		b.counts = append(b.counts, make([]uint64, idx-last)...)
	}
	b.counts[idx-b.offset] += n
}

// shiftToFit is how many scale steps (≥ 0) make the index range [lo, hi] span at most
// maxBuckets without going below minScale.
func shiftToFit(lo, hi, scale int) int {
	shift := 0
	for hi-lo+1 > maxBuckets && scale-shift > minScale {
		lo >>= 1
		hi >>= 1
		shift++
	}
	return shift
}

func (h *expHistogram) setScale(shift int) {
	if shift == 0 {
		return
	}
	h.scale -= shift
	h.pos.downscale(shift)
	h.neg.downscale(shift)
}

// observe adds one sample (finite; k6 never emits NaN or ±Inf for trends).
func (h *expHistogram) observe(v float64) {
	if h.count == 0 || v < h.min {
		h.min = v
	}
	if h.count == 0 || v > h.max {
		h.max = v
	}
	h.count++
	h.sum += v
	if v == 0 {
		h.zero++
		return
	}
	side, mag := &h.pos, v
	if v < 0 {
		side, mag = &h.neg, -v
	}
	idx := bucketIndex(mag, h.scale)
	if !side.empty() {
		lo, hi := min(side.offset, idx), max(side.offset+len(side.counts)-1, idx)
		if shift := shiftToFit(lo, hi, h.scale); shift > 0 {
			h.setScale(shift)
			idx >>= shift
		}
	}
	side.add(idx, 1)
}

// merge adds o into h exactly (both brought to the coarser scale, then coarser still if
// the union of a side would exceed maxBuckets) — mergeHistograms in exp-histogram.ts.
func (h *expHistogram) merge(o *expHistogram) {
	if o.count == 0 {
		return
	}
	if h.count == 0 {
		*h = *o.clone()
		return
	}
	scale := min(h.scale, o.scale)
	shift := 0
	for _, pair := range [][2]*buckets{{&h.pos, &o.pos}, {&h.neg, &o.neg}} {
		a, b := pair[0], pair[1]
		if a.empty() && b.empty() {
			continue
		}
		lo, hi := math.MaxInt, math.MinInt
		for _, s := range []struct {
			b     *buckets
			shift int
		}{{a, h.scale - scale}, {b, o.scale - scale}} {
			if s.b.empty() {
				continue
			}
			lo = min(lo, s.b.offset>>s.shift)
			hi = max(hi, (s.b.offset+len(s.b.counts)-1)>>s.shift)
		}
		shift = max(shift, shiftToFit(lo, hi, scale))
	}
	scale -= shift
	h.setScale(h.scale - scale)
	oc := o.clone()
	oc.setScale(oc.scale - scale)
	for i, c := range oc.pos.counts {
		if c > 0 {
			h.pos.add(oc.pos.offset+i, c)
		}
	}
	for i, c := range oc.neg.counts {
		if c > 0 {
			h.neg.add(oc.neg.offset+i, c)
		}
	}
	h.zero += o.zero
	h.count += o.count
	h.sum += o.sum
	h.min = min(h.min, o.min)
	h.max = max(h.max, o.max)
}

func (h *expHistogram) clone() *expHistogram {
	c := *h
	c.pos.counts = append([]uint64(nil), h.pos.counts...)
	c.neg.counts = append([]uint64(nil), h.neg.counts...)
	return &c
}
