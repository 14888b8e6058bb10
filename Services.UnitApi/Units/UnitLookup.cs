using Microsoft.EntityFrameworkCore;
using PrivateBox.Factory.Services.UnitApi.Data;

namespace PrivateBox.Factory.Services.UnitApi.Units;

public static class UnitLookup
{
    /// <summary>The unit that owns <paramref name="mac"/>: its WAN MAC first, else any MAC it reported (newest unit wins).</summary>
    public static async Task<Unit?> FindByAnyMacAsync(this FactoryDb db, string mac, CancellationToken ct) =>
        await db.Units.Include(u => u.CurrentAttempt).FirstOrDefaultAsync(u => u.Mac == mac, ct)
        ?? await db.Units.Include(u => u.CurrentAttempt)
            .Where(u => u.Macs.Contains(mac))
            .OrderByDescending(u => u.FirstSeenAt)
            .FirstOrDefaultAsync(ct);

    /// <summary>Creates the unit row if new, then locks it so concurrent reports for one unit run one at a time.</summary>
    public static async Task<Unit> LockOrCreateAsync(this FactoryDb db, string mac, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO units (mac, first_seen_at, macs) VALUES ({mac}, {now}, {new[] { mac }}) ON CONFLICT (mac) DO NOTHING", ct);
        return await db.Units.FromSql($"SELECT * FROM units WHERE mac = {mac} FOR UPDATE").SingleAsync(ct);
    }
}
