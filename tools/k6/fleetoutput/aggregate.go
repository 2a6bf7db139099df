package fleetoutput

import (
	"sort"
	"strings"
	"time"

	"go.k6.io/k6/v2/metrics"
)

// One metric × exact tag set (k6's interned *TagSet) over one interval. Keying on k6's
// TimeSeries (two pointers) is what makes a sample cheap: no attribute set is built, no
// tag is read until the interval is flushed.
type aggregate struct {
	value     float64 // counter: sum; gauge: last value
	valueAt   time.Time
	min, max  float64 // gauge
	nonzero   uint64  // rate
	total     uint64  // rate
	hist      *expHistogram
	seenGauge bool
}

func (a *aggregate) add(t metrics.MetricType, s *metrics.Sample) {
	switch t {
	case metrics.Counter:
		a.value += s.Value
	case metrics.Gauge:
		if !a.seenGauge || s.Value < a.min {
			a.min = s.Value
		}
		if !a.seenGauge || s.Value > a.max {
			a.max = s.Value
		}
		if !a.seenGauge || !s.Time.Before(a.valueAt) {
			a.value, a.valueAt = s.Value, s.Time
		}
		a.seenGauge = true
	case metrics.Rate:
		a.total++
		if s.Value != 0 {
			a.nonzero++
		}
	case metrics.Trend:
		if a.hist == nil {
			a.hist = newExpHistogram()
		}
		a.hist.observe(s.Value)
	}
}

// merge folds b (same metric, possibly other raw tags mapping to the same kept tags) into a.
func (a *aggregate) merge(t metrics.MetricType, b *aggregate) {
	switch t {
	case metrics.Counter:
		a.value += b.value
	case metrics.Gauge:
		if !a.seenGauge {
			*a = *b
			return
		}
		a.min, a.max = min(a.min, b.min), max(a.max, b.max)
		if !b.valueAt.Before(a.valueAt) {
			a.value, a.valueAt = b.value, b.valueAt
		}
	case metrics.Rate:
		a.total += b.total
		a.nonzero += b.nonzero
	case metrics.Trend:
		if a.hist == nil {
			a.hist = newExpHistogram()
		}
		a.hist.merge(b.hist)
	}
}

// keptTags is the tag subset the fleet keeps (KEPT_TAGS + threshold tag keys), with a
// canonical key for grouping.
func keptTags(ts *metrics.TagSet, keep map[string]bool) (map[string]string, string) {
	out := map[string]string{}
	var keys []string
	for k, v := range ts.Map() {
		if keep[k] && v != "" {
			out[k] = v
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(out[k])
		b.WriteByte(0)
	}
	return out, b.String()
}
