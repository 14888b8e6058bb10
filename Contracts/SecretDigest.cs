using System.Security.Cryptography;
using System.Text;

namespace PrivateBox.Factory.Contracts;

/// <summary>
/// How the debug collector finds a unit's passwords in collected logs without ever reading them
/// (<c>GET /api/units/{mac}/redaction</c>, debug key): for each password, its length in UTF-8 bytes, the low 32 bits
/// of a rolling hash (a cheap filter that countless strings share) and a salted SHA-256 (the proof). The collector
/// slides a window of that length over the bytes it reads and computes SHA-256 only where the rolling hash matches.
/// </summary>
public sealed record SecretDigest(int Length, uint Rolling, byte[] Sha256)
{
    public static SecretDigest Of(string secret, byte[] salt)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        return new(bytes.Length, (uint)RollingHash.Of(bytes), Salted(salt, bytes));
    }

    /// <summary>SHA-256 of the salt followed by the secret's bytes.</summary>
    public static byte[] Salted(byte[] salt, ReadOnlySpan<byte> secret)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(salt);
        sha.AppendData(secret);
        return sha.GetHashAndReset();
    }
}

/// <summary>The digests of one unit's passwords under one random salt; empty when the unit holds none.</summary>
public sealed record RedactionDigests(byte[] Salt, IReadOnlyList<SecretDigest> Secrets)
{
    public static RedactionDigests Of(IEnumerable<string> secrets)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return new(salt, [.. secrets.Where(s => !string.IsNullOrEmpty(s)).Distinct().Select(s => SecretDigest.Of(s, salt))]);
    }
}

/// <summary>A polynomial hash modulo 2^61-1 that slides over bytes in constant time per step (Rabin-Karp).</summary>
public static class RollingHash
{
    private const ulong Modulus = (1UL << 61) - 1;
    private const ulong Base = 1_099_511_628_211;

    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        ulong h = 0;
        foreach (var b in bytes) h = Add(Multiply(h, Base), b);
        return h;
    }

    /// <summary>Base^(length-1): what the byte leaving a window of <paramref name="length"/> weighs.</summary>
    public static ulong Weight(int length)
    {
        ulong w = 1;
        for (var i = 1; i < length; i++) w = Multiply(w, Base);
        return w;
    }

    /// <summary>The hash of the window moved one byte on: <paramref name="leaving"/> out, <paramref name="entering"/> in.</summary>
    public static ulong Slide(ulong hash, byte leaving, byte entering, ulong weight) =>
        Add(Multiply(Add(hash, Modulus - Multiply(leaving, weight)), Base), entering);

    private static ulong Add(ulong a, ulong b)
    {
        var s = a + b;
        return s >= Modulus ? s - Modulus : s;
    }

    private static ulong Multiply(ulong a, ulong b)
    {
        var high = Math.BigMul(a, b, out var low);
        var x = (low & Modulus) + (low >> 61) + (high << 3);
        x = (x & Modulus) + (x >> 61);
        return x >= Modulus ? x - Modulus : x;
    }
}
