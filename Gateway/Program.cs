using PrivateBox.Factory.Gateway;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.ConfigureFactoryBindings();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();

var app = builder.Build();

app.UseHttpsOnlyKeys();
app.MapDefaultEndpoints();
app.MapReverseProxy();

app.Run();
