using PrivateBox.Factory.Services.PrintStation;
using PrivateBox.Factory.Services.PrintStation.Kiosk;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseStaticFiles("/kiosk");

app.MapDefaultEndpoints();
app.MapKiosk();

app.Run();

public partial class Program;
