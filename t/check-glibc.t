# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# tools/check-glibc: small shared objects built here with the host's C
# compiler pass or fail as they should: glibc symbol versions against the
# baseline, NEEDED libraries against the allowed set (the Rust core only for
# a glue), files that are not shared objects, directories, .opm packages and
# the command line. Then the native part in target/native, when built, passes.

use strict;
use warnings;

use Cwd            qw(abs_path);
use File::Basename qw(dirname);
use File::Path     qw(make_path);
use File::Spec;
use File::Temp   qw(tempdir);
use MIME::Base64 qw(encode_base64);
use Test::More;

my $Root = abs_path( File::Spec->catdir( dirname(__FILE__), '..' ) );
my $Tool = File::Spec->catfile( $Root, 'tools', 'check-glibc' );

my ($CC) = grep { -x && !-d _ } map { File::Spec->catfile( $_, 'cc' ) } File::Spec->path();
plan skip_all => 'no C compiler (cc) on PATH: this test builds small shared objects with it' if !$CC;

# The baseline has one owner: the module that loads the native part.
my $NativeModule = File::Spec->catfile( $Root, qw(perl SalesForce-XS lib SalesForce XS Native.pm) );
require $NativeModule;    ## no critic
my $Baseline = do {
    no warnings 'once';    ## no critic
    $SalesForce::XS::Native::GlibcBaseline;
};
like( $Baseline, qr{\A [0-9]+ \. [0-9]+ \z}xms, "the baseline in SalesForce::XS::Native: $Baseline" );

# Its version comparison (2.9 is older than 2.17).
my $BuildOPM = File::Spec->catfile( $Root, 'tools', 'build-opm' );
require $BuildOPM;    ## no critic

my $Directory = tempdir(
    'check-glibc-t-XXXXXX',
    TMPDIR  => 1,
    CLEANUP => 1
);

# Runs a command; returns ( exit code, STDOUT and STDERR together ).
sub Capture {
    my ( $Environment, $Program, @Arguments ) = @_;

    local %ENV = ( %ENV, %{$Environment} );
    my $Pid = open my $Pipe, '-|';    ## no critic
    die "cannot fork: $!" if !defined $Pid;
    if ( !$Pid ) {
        open STDERR, '>&', \*STDOUT;    ## no critic
        {
            no warnings 'exec';         ## no critic
            exec {$Program} $Program, @Arguments;
        }
        print "cannot run $Program: $!\n";
        require POSIX;
        POSIX::_exit(127);
    }
    local $/;
    my $Output = <$Pipe> // '';
    close $Pipe;
    return ( $? >> 8, $Output );
}

# Runs the tool with this Perl.
sub Run {
    my ( $Environment, @Arguments ) = @_;
    return Capture( $Environment, $^X, $Tool, @Arguments );
}

# Compiles C source into a shared object (or, with -c among the flags, an object file).
sub Compile {
    my (%Param) = @_;

    my $Source = "$Param{Output}.c";
    make_path( dirname( $Param{Output} ) );
    open my $FH, '>', $Source or die "cannot write $Source: $!";
    print {$FH} $Param{Source};
    close $FH;

    my @Command = (
        $CC, '-O0', '-fPIC', @{ $Param{Flags} || ['-shared'] }, '-o', $Param{Output}, $Source,
        @{ $Param{Libraries} || [] }
    );
    my ( $Exit, $Output ) = Capture( {}, @Command );
    return 1 if !$Exit && -f $Param{Output};
    diag "@Command failed:\n$Output";
    return 0;
}

sub WriteFile {
    my ( $Path, $Content ) = @_;
    make_path( dirname($Path) );
    open my $FH, '>:raw', $Path or die "cannot write $Path: $!";
    print {$FH} $Content;
    close $FH;
    return $Path;
}

sub ReadFile {
    my ($Path) = @_;
    open my $FH, '<:raw', $Path or die "cannot read $Path: $!";
    local $/;
    return scalar <$FH>;
}

# strlen is as old as x86_64 glibc (GLIBC_2.2.5).
my $Plain = "$Directory/plain/plain.so";
ok(
    Compile(
        Output => $Plain,
        Source => "#include <string.h>\nsize_t sf_length(const char *Text) { return strlen(Text); }\n",
    ),
    'cc builds a shared object that uses only strlen'
) or BAIL_OUT('cc cannot build a shared object');

my ( $Exit, $Output ) = Run( {}, $Plain );
is( $Exit, 0, 'strlen only: passes' ) or diag $Output;
like(
    $Output, qr{^ok \s+ \Q$Plain\E: \s newest \s GLIBC_2\.2\.5; \s NEEDED \s libc\.so\.6$}xms,
    'strlen only: one line with the newest GLIBC version and the NEEDED list'
);
like(
    $Output, qr{^check-glibc: \s 1 \s passed, \s 0 \s failed \s \(baseline \s glibc \s \Q$Baseline\E\)$}xms,
    "strlen only: the summary names the baseline of Native.pm ($Baseline)"
);

# getrandom appeared in glibc 2.25. The call depends on the arguments, so no
# compiler can drop it.
ok(
    SalesForceOPM::CompareVersions( $Baseline, '2.25' ) < 0,
    "the baseline $Baseline is older than glibc 2.25 (getrandom)"
);
my $Random = "$Directory/random/random.so";
SKIP: {
    my $Built = Compile(
        Output => $Random,
        Source => "#include <sys/types.h>\n#include <sys/random.h>\n"
            . "long sf_random(void *Buffer, size_t Length) { return (long)getrandom(Buffer, Length, 0); }\n",
    );
    skip 'this glibc has no getrandom (older than 2.25)', 5 if !$Built;

    ( $Exit, $Output ) = Run( {}, $Random );
    is( $Exit, 1, 'getrandom: fails' );
    like(
        $Output,
        qr{^FAIL \s+ \Q$Random\E: \s newest \s GLIBC_2\.25; \s NEEDED \s libc\.so\.6: \s
            GLIBC_2\.25 \s is \s newer \s than \s the \s baseline \s \Q$Baseline\E \s \(getrandom\)$}xms,
        'getrandom: the line names GLIBC_2.25 and the symbol that needs it'
    );
    like( $Output, qr{^check-glibc: \s 0 \s passed, \s 1 \s failed}xms, 'getrandom: the summary counts it' );

    ( $Exit, $Output ) = Run( {}, '--baseline', '2.30', $Random );
    is( $Exit, 0, '--baseline 2.30 accepts getrandom' ) or diag $Output;
    like( $Output, qr{^ok \s+ \Q$Random\E: \s newest \s GLIBC_2\.25;}xms, '--baseline 2.30: the line says ok' );
}

# A library outside glibc. Not -lutil: since glibc 2.34 libutil is part of
# libc and -lutil links an empty archive, so nothing would be NEEDED.
my $Extra = "$Directory/lib/libsfextra.so";
ok(
    Compile(
        Output => $Extra,
        Source => "int sf_extra(int Value) { return Value + 1; }\n",
        Flags  => [ '-shared', '-Wl,-soname,libsfextra.so.1' ],
    ),
    'cc builds libsfextra.so (SONAME libsfextra.so.1)'
);
my $WithExtra = "$Directory/extra/with-extra.so";
ok(
    Compile(
        Output    => $WithExtra,
        Source    => "int sf_extra(int);\nint sf_call(int Value) { return sf_extra(Value); }\n",
        Flags     => [ '-shared',          '-Wl,--no-as-needed' ],
        Libraries => [ "-L$Directory/lib", '-lsfextra' ],
    ),
    'cc builds a shared object that needs libsfextra.so.1'
);
( $Exit, $Output ) = Run( {}, $WithExtra );
is( $Exit, 1, 'an extra library: fails' );
like(
    $Output, qr{^FAIL \s+ \Q$WithExtra\E: .* NEEDED \s libsfextra\.so\.1 \s is \s not \s allowed}xms,
    'an extra library: the line names it'
);

# The Rust core may be NEEDED by a glue (a .so in an ABI key directory) only.
my $Key = '5.36-x86_64-linux-thread-multi';
ok(
    Compile(
        Output => "$Directory/core/libsfclient.so",
        Source => "const char *sfclient_version(void) { return \"6.1.0\"; }\n",
        Flags  => [ '-shared', '-Wl,-soname,libsfclient.so' ],
    ),
    'cc builds a stand-in of the core libsfclient.so'
);
my $Glue = "$Directory/auto/SalesForce/XS/$Key/XS.so";
ok(
    Compile(
        Output    => $Glue,
        Source    => "const char *sfclient_version(void);\nconst char *sf_glue(void) { return sfclient_version(); }\n",
        Flags     => [ '-shared',           '-Wl,--no-as-needed' ],
        Libraries => [ "-L$Directory/core", '-lsfclient' ],
    ),
    "cc builds a glue in $Key/ that needs libsfclient.so"
);
my $NotGlue = WriteFile( "$Directory/elsewhere/XS.so", ReadFile($Glue) );
( $Exit, $Output ) = Run( {}, $Glue, $NotGlue );
is( $Exit, 1, 'the core as NEEDED: one passes, one fails' );
like(
    $Output, qr{^ok \s+ \Q$Glue\E: .* NEEDED \s libsfclient\.so, \s libc\.so\.6$}xms,
    'a glue in a key directory may need libsfclient.so'
);
like(
    $Output,
    qr{^FAIL \s+ \Q$NotGlue\E: .* NEEDED \s libsfclient\.so \s is \s not \s allowed \s \(only \s a \s glue}xms,
    'the same file outside a key directory may not'
);

# Not a shared object.
my $Text = WriteFile( "$Directory/text/x.so", "this is not an ELF shared object\n" );
( $Exit, $Output ) = Run( {}, $Text );
is( $Exit, 1, 'a text file named x.so: fails' );
like( $Output, qr{^FAIL \s+ \Q$Text\E: \s not \s an \s ELF \s file}xms, 'a text file: says it is not ELF' );

my $Object = "$Directory/object/plain.o";
ok(
    Compile(
        Output => $Object,
        Source => "int sf_one(void) { return 1; }\n",
        Flags  => ['-c'],
    ),
    'cc builds an object file'
);
( $Exit, $Output ) = Run( {}, $Object );
is( $Exit, 1, 'an object file: fails' );
like(
    $Output,
    qr{^FAIL \s+ \Q$Object\E: \s an \s ELF \s file, \s but \s not \s a \s shared \s object \s \(type \s REL\)}xms,
    'an object file: says it is not a shared object'
);

# A directory: every *.so below it.
( $Exit, $Output ) = Run( {}, "$Directory/auto" );
is( $Exit, 0, 'a directory with the glue: passes' ) or diag $Output;
like( $Output, qr{^ok \s+ \Q$Glue\E:}xms, 'a directory: its .so files are checked' );
( $Exit, $Output ) = Run( {}, $Directory );
is( $Exit, 1, 'the whole temporary directory: fails' );
my @Lines         = grep {m{\A (?: ok | FAIL ) \s}xms} split m{\n}xms, $Output;
my @SharedObjects = grep {m{\.so\z}xms} FindFiles($Directory);
is( scalar @Lines, scalar @SharedObjects, 'a directory: one line per .so below it (and no other file)' )
    or diag $Output;
my $Empty = "$Directory/empty";
make_path($Empty);
( $Exit, $Output ) = Run( {}, $Empty );
is( $Exit, 1, 'a directory without .so files: fails' );
like( $Output, qr{^FAIL \s+ \Q$Empty\E: \s no \s \*\.so \s below \s it}xms, 'a directory without .so: says so' );

# An .opm: the Filelist entries that end in .so, named by their Location.
sub WriteOPM {
    my ( $Path, %Files ) = @_;
    my $XML = qq{<?xml version="1.0" encoding="utf-8" ?>\n<otrs_package version="1.1">\n}
        . "    <Name>SalesForce-Customer-Sync-CE</Name>\n    <Filelist>\n";
    for my $Location ( sort keys %Files ) {
        $XML .= qq{        <File Location="$Location" Permission="644" Encode="Base64">}
            . encode_base64( $Files{$Location}, '' ) . "</File>\n";
    }
    $XML .= "    </Filelist>\n</otrs_package>\n";
    return WriteFile( $Path, $XML );
}
my %Shipped = (
    'Kernel/cpan-lib/SalesForce/XS.pm'                  => "package SalesForce::XS;\n1;\n",
    'Kernel/cpan-lib/auto/SalesForce/XS/libsfclient.so' => ReadFile("$Directory/core/libsfclient.so"),
    "Kernel/cpan-lib/auto/SalesForce/XS/$Key/XS.so"     => ReadFile($Glue),
    'Kernel/cpan-lib/auto/SalesForce/XS/other/plain.so' => ReadFile($Plain),
);
my $Good = WriteOPM( "$Directory/opm/good.opm", %Shipped );
( $Exit, $Output ) = Run( {}, $Good );
is( $Exit, 0, 'an .opm whose shared objects are fine: passes' ) or diag $Output;
for my $Location ( grep {m{\.so\z}xms} sort keys %Shipped ) {
    like( $Output, qr{^ok \s+ \Q$Location\E:}xms, "an .opm: $Location is checked, named by its Location" );
}
unlike( $Output, qr{XS\.pm}xms, 'an .opm: files that are not .so are left alone' );
like( $Output, qr{^check-glibc: \s 3 \s passed, \s 0 \s failed}xms, 'an .opm: three shared objects' );

my $Bad = WriteOPM(
    "$Directory/opm/bad.opm", %Shipped,
    'Kernel/cpan-lib/auto/SalesForce/XS/libsfclient-moved.so' => ReadFile($Glue),
    'Kernel/cpan-lib/auto/SalesForce/XS/broken.so'            => 'not ELF',
);
( $Exit, $Output ) = Run( {}, $Bad );
is( $Exit, 1, 'an .opm with bad shared objects: fails' );
like(
    $Output,
    qr{^FAIL \s+ Kernel/cpan-lib/auto/SalesForce/XS/libsfclient-moved\.so: .* NEEDED \s libsfclient\.so \s is \s not}xms,
    'an .opm: the glue rule follows the Location'
);
like(
    $Output, qr{^FAIL \s+ Kernel/cpan-lib/auto/SalesForce/XS/broken\.so: \s not \s an \s ELF \s file}xms,
    'an .opm: a broken entry is named'
);
my $NoXML = WriteFile( "$Directory/opm/broken.opm", "<otrs_package>\n" );
( $Exit, $Output ) = Run( {}, $NoXML );
is( $Exit, 1, 'an .opm that is not XML: fails' );
like( $Output, qr{^FAIL \s+ \Q$NoXML\E: .* not \s well-formed}xms, 'an .opm that is not XML: says so' );

# The command line, and readelf missing.
( $Exit, $Output ) = Run( {} );
is( $Exit, 2, 'no PATH: usage error' );
like( $Output, qr{\AUsage: \s tools/check-glibc}xms, 'no PATH: the usage line' );
( $Exit, $Output ) = Run( {}, '--baseline', 'new', $Plain );
is( $Exit, 2, '--baseline that is no version: usage error' );
( $Exit, $Output ) = Run( {}, "$Directory/does-not-exist.so" );
is( $Exit, 2, 'a path that does not exist: usage error' );
like( $Output, qr{no \s such \s file \s or \s directory: \s \Q$Directory\E/does-not-exist\.so}xms, 'names the path' );
( $Exit, $Output ) = Run( { READELF => "$Directory/no-readelf" }, $Plain );
is( $Exit, 2, 'readelf missing: nothing was checked' );
like( $Output, qr{readelf \s is \s missing .* binutils}xms, 'readelf missing: says where it comes from' );

# What tools/build-native built, when it did.
my $Native = File::Spec->catdir( $Root, 'target', 'native' );
SKIP: {
    skip "$Native is absent (tools/build-native builds it)", 2 if !-d $Native;
    ( $Exit, $Output ) = Run( {}, $Native );
    is( $Exit, 0, "the built native part passes: $Native" ) or diag $Output;
    like( $Output, qr{^ok \s+ \S+/libsfclient\.so:}xms, 'the core was checked' );
}

done_testing();

sub FindFiles {
    my ($Start) = @_;
    my @Files;
    require File::Find;
    File::Find::find(
        {
            no_chdir => 1,
            wanted   => sub { push @Files, $File::Find::name if -f $File::Find::name }
        },
        $Start
    );
    return @Files;
}
