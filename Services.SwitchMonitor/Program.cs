using PrivateBox.Factory.Services.SwitchMonitor;
using PrivateBox.Factory.Services.SwitchMonitor.Status;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapSwitchStatusApi();

app.Run();

public partial class Program;
