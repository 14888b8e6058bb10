using PrivateBox.Factory.Services.UnitApi;
using PrivateBox.Factory.Services.UnitApi.Dashboard;
using PrivateBox.Factory.Services.UnitApi.Failures;
using PrivateBox.Factory.Services.UnitApi.Heartbeats;
using PrivateBox.Factory.Services.UnitApi.Metrics;
using PrivateBox.Factory.Services.UnitApi.Units;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateDatabaseAsync();

app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRateLimiter();
app.UseRequestTimeouts();

app.MapDefaultEndpoints();
app.MapHeartbeatApi();
app.MapUnitsApi();
app.MapFailureMetrics();
app.MapDashboard();
app.MapMetricsApi();
app.MapMetricsPage();

app.Run();

public partial class Program;
