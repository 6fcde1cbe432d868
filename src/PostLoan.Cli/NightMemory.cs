using System.Globalization;

namespace PostLoan.Cli;

/// <summary>
/// What a benchmarked night cost in memory and processor time: bytes allocated, the collected heap's size afterwards, collections and
/// how long they paused the threads, the process's minor page faults (fresh memory first touched: on a virtual machine each is a
/// trip to the host, measured at a quarter of a first night's CPU time in docs/benchmarks.md), and the processor seconds of all
/// its threads (against two cores' worth of the night's wall-clock time: how much of the machine it used), and the methods the
/// runtime compiled meanwhile (code reached for the first time, or optimised in the background on the same cores).
/// </summary>
internal sealed class NightMemory
{
    private readonly long _allocated = GC.GetTotalAllocatedBytes(precise: true);
    private readonly int _gen0 = GC.CollectionCount(0), _gen1 = GC.CollectionCount(1), _gen2 = GC.CollectionCount(2);
    private readonly long? _faults = MinorFaults();
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();
    private readonly long _compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
    private readonly TimeSpan _compiling = System.Runtime.JitInfo.GetCompilationTime();
    private readonly TimeSpan _user, _system;

    private NightMemory()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        (_user, _system) = (process.UserProcessorTime, process.PrivilegedProcessorTime);
    }

    public static NightMemory Start() => new();

    /// <summary>One line: allocated, heap after the night, collections by generation and how long they paused the threads, page faults, processor time, methods compiled.</summary>
    public string Describe()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var user = (process.UserProcessorTime - _user).TotalSeconds;
        var system = (process.PrivilegedProcessorTime - _system).TotalSeconds;
        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - _allocated) / 1048576.0;
        var heap = GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes / 1048576.0;
        var faults = MinorFaults() - _faults;
        var paused = (GC.GetTotalPauseDuration() - _paused).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"allocated {allocated:0} MB, heap at the last collection {heap:0} MB, collections {GC.CollectionCount(0) - _gen0}/{GC.CollectionCount(1) - _gen1}/{GC.CollectionCount(2) - _gen2} (gen 0/1/2) pausing the threads {paused:0.00} s, minor page faults {(faults is { } f ? f.ToString(CultureInfo.InvariantCulture) : "n/a")}, processor time {user:0.0} s user + {system:0.0} s system, methods compiled: {System.Runtime.JitInfo.GetCompiledMethodCount() - _compiled} ({(System.Runtime.JitInfo.GetCompilationTime() - _compiling).TotalSeconds:0.00} s)");
    }

    /// <summary>The process's minor faults so far (field 10 of /proc/self/stat), or null where there is no procfs.</summary>
    private static long? MinorFaults()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            // The command name (field 2) is in parentheses and may contain spaces: count the fields after its closing one.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
