using PrivateBox.Factory.Services.DebugCollector;
using PrivateBox.Factory.Services.DebugCollector.Bundles;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.EnsureSchemaAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapBundlesApi();

app.Run();

public partial class Program;
