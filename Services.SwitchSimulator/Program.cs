using PrivateBox.Factory.Services.SwitchSimulator;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.Services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.Section).ValidateOnStart();
builder.Services.AddSingleton<SimulatedSwitch>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<SimulatedSwitch>());

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapControlApi();

app.Run();
