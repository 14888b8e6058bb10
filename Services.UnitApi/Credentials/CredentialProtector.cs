using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.Services.UnitApi.Credentials;

public sealed class CredentialOptions
{
    public const string DevKey = "ZGV2LWNyZWRlbnRpYWxzLWtleS1ub3QtZm9yLXVzZSE=";

    /// <summary>Base64 of 32 random bytes (openssl rand -base64 32). Never stored in the database.</summary>
    public string? Key { get; set; }

    public override string ToString() => "CredentialOptions { ... }";
}

/// <summary>AES-256-GCM for passwords at rest; each ciphertext is bound to its build attempt.</summary>
public sealed class CredentialProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public CredentialProtector(IOptions<CredentialOptions> options)
    {
        _key = Convert.FromBase64String(options.Value.Key!);
    }

    public byte[] Protect(Guid attemptId, Secret secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret.Reveal());
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), attemptId.ToByteArray());
        CryptographicOperations.ZeroMemory(plain);
        return output;
    }

    public Secret Unprotect(Guid attemptId, byte[] protectedValue)
    {
        var plain = new byte[protectedValue.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(protectedValue.AsSpan(0, NonceSize), protectedValue.AsSpan(NonceSize + TagSize),
            protectedValue.AsSpan(NonceSize, TagSize), plain, attemptId.ToByteArray());
        return new Secret(Encoding.UTF8.GetString(plain));
    }

    /// <summary>A keyed fingerprint of a report, so resends are recognised without storing anything guessable.</summary>
    public string Fingerprint(string canonicalReport) =>
        Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(canonicalReport)));

    public static bool IsValidKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key)) return false;
        var bytes = new byte[64];
        return Convert.TryFromBase64String(key, bytes, out var written) && written == 32;
    }
}
