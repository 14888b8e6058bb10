using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PrivateBox.Factory.Services.UnitApi.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without a running database.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<FactoryDb>
{
    public FactoryDb CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<FactoryDb>()
        .UseNpgsql("Host=localhost;Database=factorydb")
        .UseSnakeCaseNamingConvention()
        .Options);
}
