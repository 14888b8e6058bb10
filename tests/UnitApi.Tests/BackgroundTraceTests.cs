using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace PrivateBox.Factory.UnitApi.Tests;

// Activities are process-wide: these tests count every exported span, so nothing else may run beside them.
[CollectionDefinition("background traces", DisableParallelization = true)]
public sealed class BackgroundTracesCollection;

[Collection("background traces")]
public sealed class BackgroundTraceTests(BackgroundTraceTests.Api api) : IClassFixture<BackgroundTraceTests.Api>
{
    [Fact]
    public async Task Idle_polls_record_no_spans_and_tell_the_services_they_call_to_record_none()
    {
        using var polls = new EndedPolls();
        await polls.WaitAsync(Polls, 1, AdvanceClock);
        api.Spans.Clear();

        await polls.WaitAsync(Polls, 3, AdvanceClock);

        Assert.Empty(api.Spans.All.Select(s => $"{s.Source.Name} {s.DisplayName}"));
        Assert.NotEmpty(api.Peer.Traceparents);
        Assert.All(api.Peer.Traceparents, header => Assert.EndsWith("-00", header));
    }

    [Fact]
    public async Task A_stuck_unit_records_one_trace_of_marking_it_and_one_of_publishing_its_event()
    {
        var mac = TestUnits.NewMac();
        await api.Unit().PostJson("/api/heartbeat", TestUnits.Heartbeat(mac));

        api.Clock.Advance(TimeSpan.FromMinutes(6));
        var marked = await api.Spans.WaitForAsync("mark stuck units");
        var published = await api.Spans.WaitForAsync("publish queued events");

        Assert.Equal(default, marked.ParentSpanId);
        Assert.Equal(1, marked.GetTagItem("factory.units"));
        Assert.Equal(default, published.ParentSpanId);
        Assert.Contains(api.Spans.All, s => s.Kind == ActivityKind.Producer && s.TraceId == published.TraceId);
    }

    private static readonly string[] Polls = ["check for stuck units", "check for queued events", "check line health"];

    // The stuck detector's timer runs on the fixture's clock.
    private void AdvanceClock() => api.Clock.Advance(TimeSpan.FromSeconds(1));

    /// <summary>The Unit API exporting its spans to memory as it would to the Aspire dashboard; line health calls a peer.</summary>
    public sealed class Api : UnitApiFactory
    {
        public ExportedSpans Spans { get; } = new();
        public HeaderPeer Peer { get; } = new();

        public override async Task InitializeAsync()
        {
            await Peer.StartAsync();
            await base.InitializeAsync();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("OTEL_TRACES_SAMPLER", "always_on"); // as the AppHost sets it
            builder.UseSetting("Dashboard:HealthInterval", "00:00:01");
            builder.UseSetting("Dashboard:SwitchMonitorUrl", Peer.Url);
            builder.UseSetting("Dashboard:CdnUrl", Peer.Url);
            builder.ConfigureServices(Spans.AddTo);
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await Peer.DisposeAsync();
        }
    }

    /// <summary>Stands for the switch monitor and the CDN: keeps the traceparent of every request and answers 404.</summary>
    public sealed class HeaderPeer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public ConcurrentQueue<string> Traceparents { get; } = new();
        public string Url => _app.Urls.First();

        public HeaderPeer()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            _app = builder.Build();
            _app.Run(context =>
            {
                Traceparents.Enqueue(context.Request.Headers.TraceParent.ToString());
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        }

        public Task StartAsync() => _app.StartAsync();
        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
