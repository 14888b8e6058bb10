using PrivateBox.Factory.Services.Cdn;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.EnsureAssetFolders();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapCdnApi();

app.Run();

public partial class Program;
