package fleetoutput

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"go.k6.io/k6/v2/metrics"
)

type receiver struct {
	mu      sync.Mutex
	batches []Batch
	fail    int // answer 500 to this many requests first
	posts   int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.posts++
	if r.fail > 0 {
		r.fail--
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	var b Batch
	if err := json.Unmarshal(body, &b); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.batches = append(r.batches, b)
}

func quietLogger() logrus.FieldLogger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

func start(t *testing.T, rcv *receiver, interval time.Duration) *Output {
	t.Helper()
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	cfg, err := ParseConfig(srv.URL+"/v1/series", map[string]string{
		"K6_FLEET_PUSH_INTERVAL": interval.String(),
		"K6_FLEET_KEEP_TAGS":     "status,scenario",
	})
	if err != nil {
		t.Fatal(err)
	}
	o := newOutput(cfg, quietLogger())
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	return o
}

// A k6-like stream: per request a counter, a rate and a trend sample, tagged with a url the
// fleet drops and a status it keeps. Totals over all batches must be exact.
func TestBatchesCarryExactTotalsPerKeptTagSet(t *testing.T) {
	reg := metrics.NewRegistry()
	reqs := reg.MustNewMetric("http_reqs", metrics.Counter)
	failed := reg.MustNewMetric("http_req_failed", metrics.Rate)
	dur := reg.MustNewMetric("http_req_duration", metrics.Trend, metrics.Time)
	vus := reg.MustNewMetric("vus", metrics.Gauge)
	rcv := &receiver{}
	o := start(t, rcv, 20*time.Millisecond)
	root := reg.RootTagSet().With("scenario", "s")
	const n = 3000
	for i := 0; i < n; i++ {
		status := "200"
		if i%10 == 0 {
			status = "500"
		}
		tags := root.With("status", status).With("url", "http://127.0.0.1/"+string(rune('a'+i%7)))
		now := time.Now()
		fail := 0.0
		if status == "500" {
			fail = 1
		}
		o.AddMetricSamples([]metrics.SampleContainer{metrics.ConnectedSamples{Samples: []metrics.Sample{
			{TimeSeries: metrics.TimeSeries{Metric: reqs, Tags: tags}, Time: now, Value: 1},
			{TimeSeries: metrics.TimeSeries{Metric: failed, Tags: tags}, Time: now, Value: fail},
			{TimeSeries: metrics.TimeSeries{Metric: dur, Tags: tags}, Time: now, Value: float64(1 + i%50)},
		}}, metrics.Sample{TimeSeries: metrics.TimeSeries{Metric: vus, Tags: reg.RootTagSet()}, Time: now, Value: float64(i % 5)}})
		if i%500 == 0 {
			time.Sleep(25 * time.Millisecond) // let several intervals pass
		}
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	type key struct{ metric, status string }
	counts := map[key]float64{}
	nonzero := map[key]uint64{}
	for i, b := range rcv.batches {
		if b.Batch != uint64(i+1) || b.V != 1 {
			t.Fatalf("batch %d numbered %d (v%d)", i, b.Batch, b.V)
		}
		for _, s := range b.Series {
			if _, ok := s.Tags["url"]; ok {
				t.Fatalf("url tag kept on %s", s.Metric)
			}
			k := key{s.Metric, s.Tags["status"]}
			switch s.Type {
			case "counter":
				counts[k] += *s.Value
			case "rate":
				counts[k] += float64(*s.Total)
				nonzero[k] += *s.Nonzero
			case "trend":
				counts[k] += float64(s.Hist.Count)
				if s.Contains != "time" || *s.Hist.Min < 1 || *s.Hist.Max > 50 {
					t.Fatalf("trend %+v", s.Hist)
				}
			case "gauge":
				if *s.Min < 0 || *s.Max > 4 || s.Tags["scenario"] != "" {
					t.Fatalf("gauge %+v", s)
				}
			}
		}
	}
	if len(rcv.batches) < 3 {
		t.Fatalf("want several interval batches, got %d", len(rcv.batches))
	}
	for _, m := range []string{"http_reqs", "http_req_failed", "http_req_duration"} {
		if counts[key{m, "200"}] != n*9/10 || counts[key{m, "500"}] != n/10 {
			t.Fatalf("%s: %v ok, %v failed", m, counts[key{m, "200"}], counts[key{m, "500"}])
		}
	}
	if nonzero[key{"http_req_failed", "500"}] != n/10 || nonzero[key{"http_req_failed", "200"}] != 0 {
		t.Fatalf("rate nonzero counts %v", nonzero)
	}
}

// A receiver that fails for a while loses nothing: the batch is resent, in order, once.
func TestFailedBatchIsResentInOrder(t *testing.T) {
	reg := metrics.NewRegistry()
	reqs := reg.MustNewMetric("http_reqs", metrics.Counter)
	rcv := &receiver{fail: 2}
	o := start(t, rcv, time.Hour) // only Stop flushes
	o.AddMetricSamples([]metrics.SampleContainer{metrics.Sample{
		TimeSeries: metrics.TimeSeries{Metric: reqs, Tags: reg.RootTagSet()}, Time: time.Now(), Value: 42,
	}})
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	if rcv.posts != 3 || len(rcv.batches) != 1 || *rcv.batches[0].Series[0].Value != 42 {
		t.Fatalf("posts %d, batches %+v", rcv.posts, rcv.batches)
	}
}

func TestConfigErrorsAreClear(t *testing.T) {
	if _, err := ParseConfig("127.0.0.1:9", nil); err == nil {
		t.Fatal("a URL without scheme was accepted")
	}
	if _, err := ParseConfig("http://127.0.0.1:9/", map[string]string{"K6_FLEET_PUSH_INTERVAL": "soon"}); err == nil {
		t.Fatal("a bad interval was accepted")
	}
}

// Per-sample cost of the hot path k6 calls (12 samples per request, like an HTTP request).
func BenchmarkAddMetricSamples(b *testing.B) {
	reg := metrics.NewRegistry()
	var ms []*metrics.Metric
	for i, typ := range []metrics.MetricType{metrics.Counter, metrics.Rate, metrics.Trend, metrics.Trend, metrics.Trend, metrics.Trend, metrics.Trend, metrics.Trend, metrics.Trend, metrics.Counter, metrics.Counter, metrics.Trend} {
		ms = append(ms, reg.MustNewMetric("m"+string(rune('a'+i)), typ))
	}
	tags := reg.RootTagSet().With("scenario", "s").With("status", "200").With("method", "GET")
	now := time.Now()
	samples := make([]metrics.Sample, len(ms))
	for i, m := range ms {
		samples[i] = metrics.Sample{TimeSeries: metrics.TimeSeries{Metric: m, Tags: tags}, Time: now, Value: 1.5 + float64(i)}
	}
	c := []metrics.SampleContainer{metrics.ConnectedSamples{Samples: samples, Tags: tags, Time: now}}
	o := newOutput(Config{URL: "http://127.0.0.1:9/", Interval: time.Hour, KeepTags: map[string]bool{}}, quietLogger())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o.AddMetricSamples(c)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(samples)), "ns/sample")
}
