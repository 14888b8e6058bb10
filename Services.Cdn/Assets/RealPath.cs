using System.Runtime.InteropServices;

namespace PrivateBox.Factory.Services.Cdn.Assets;

/// <summary>realpath(3): the path with every symbolic link and dot segment resolved, or null when it does not exist.</summary>
internal static class RealPath
{
    public static string? Of(string path)
    {
        var resolved = realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try { return Marshal.PtrToStringUTF8(resolved); }
        finally { free(resolved); }
    }

    /// <summary>True when <paramref name="real"/> is <paramref name="realFolder"/> or lies below it.</summary>
    public static bool IsWithin(string real, string realFolder) =>
        real == realFolder || real.StartsWith(realFolder.EndsWith('/') ? realFolder : realFolder + "/", StringComparison.Ordinal);

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
