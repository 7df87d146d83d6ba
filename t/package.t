# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The OTRS package: tools/build-opm, tools/check-opm, the .sopm's Code blocks and
# var/packagesetup/SalesForceCustomerSync.pm. Needs the XS build
# (cd perl/SalesForce-XS && perl Makefile.PL && make); "make test" builds it first.

use strict;
use warnings;

use Cwd            qw(abs_path);
use File::Basename qw(dirname);
use File::Copy     qw(copy);
use File::Path     qw(make_path);
use File::Temp     qw(tempdir);
use MIME::Base64   qw(encode_base64 decode_base64);
use Test::More;

my $Root = abs_path( dirname(__FILE__) . '/..' );

# tools/build-native's output; tools/test-perls names the one it built.
my $NativeDir = $ENV{SALESFORCE_TEST_NATIVE_DIR} || "$Root/target/native";
my $SOPM      = "$Root/SalesForce-Customer-Sync-CE.sopm";
my $BuildOPM  = "$Root/tools/build-opm";
my $CheckOPM  = "$Root/tools/check-opm";

# The glue of this Perl, named by its ABI key (SalesForce::XS::Native).
require "$Root/perl/SalesForce-XS/lib/SalesForce/XS/Native.pm";    ## no critic
my $Key  = SalesForce::XS::Native::Key();
my $Glue = "Kernel/cpan-lib/auto/SalesForce/XS/$Key/XS.so";

for my $Needed (
    "$NativeDir/lib/SalesForce/XS.pm", "$NativeDir/arch/auto/SalesForce/XS/libsfclient.so",
    "$NativeDir/arch/auto/SalesForce/XS/$Key/XS.so"
    )
{
    if ( !-f $Needed ) {
        plan skip_all => "the native build is absent ($Needed); build it with: tools/build-native "
            . '(make test does this first)';
    }
}

require $BuildOPM;                                             ## no critic
require "$Root/var/packagesetup/SalesForceCustomerSync.pm";    ## no critic

my $Work = tempdir(
    'package-t-XXXXXX',
    TMPDIR  => 1,
    CLEANUP => 1
);

# Runs a command without a shell; returns ( exit code, STDOUT and STDERR together ).
sub Run {
    my (%Param) = @_;
    local %ENV = ( %ENV, %{ $Param{Env} || {} } );
    delete local $ENV{PERL5LIB};
    my $Pid = open my $Pipe, '-|';    ## no critic
    die "fork: $!" if !defined $Pid;
    if ( !$Pid ) {
        open STDERR, '>&', \*STDOUT;    ## no critic
        exec { $Param{Command}->[0] } @{ $Param{Command} };
        die "exec $Param{Command}->[0]: $!";
    }
    local $/;
    my $Output = <$Pipe> // '';
    close $Pipe;
    return ( $? >> 8, $Output );
}

sub Slurp {
    my ($Path) = @_;
    open my $FH, '<:raw', $Path or die "$Path: $!";    ## no critic
    local $/;
    return scalar <$FH>;
}

sub Spew {
    my ( $Path, $Content ) = @_;
    make_path( dirname($Path) );
    open my $FH, '>:raw', $Path or die "$Path: $!";    ## no critic
    print {$FH} $Content;
    close $FH;
    return $Path;
}

my %BuildEnv = (
    SOURCE_DATE_EPOCH => '1700000000',
    OPM_BUILD_HOST    => 'build.example.org',
);

sub Build {
    my (%Param) = @_;
    return Run(
        Command => [
            $^X, $BuildOPM, '--native-dir', $NativeDir,
            '--output-dir', $Param{OutputDir}, @{ $Param{Arguments} || [] }
        ],
        Env => { %BuildEnv, %{ $Param{Env} || {} } },
    );
}

my ($Version) = Slurp($SOPM) =~ m{<Version>([^<]+)</Version>}xms;
my $Name = "SalesForce-Customer-Sync-CE-$Version.opm";

# ---------------------------------------------------------------- build and check
my ( $ExitCode, $Output ) = Build( OutputDir => "$Work/a" );
is( $ExitCode, 0, 'build-opm succeeds' ) or diag $Output;
my $Package = "$Work/a/$Name";
ok( -f $Package, "it writes $Name" ) or BAIL_OUT("no package built: $Output");
is( ( stat $Package )[2] & oct(777), oct(644), 'the package file has mode 644' );

( $ExitCode, $Output ) = Run( Command => [ $^X, $CheckOPM, '--native-dir', $NativeDir, $Package ] );
is( $ExitCode, 0, 'check-opm passes on the fresh build' ) or diag $Output;
like( $Output, qr{^ok:\s+the facade and the glue were loaded from the unpacked package$}ms, 'the native part loads' );
like( $Output, qr{^ok:\s+glues shipped \(one per Perl ABI\): .*\Q$Key\E}ms, 'the glues shipped are listed' );
like( $Output, qr{^ok:\s+SalesForce::XS::version\(\) returns \S+}ms,        'version() answers' );
unlike( $Output, qr{^FAIL}xms, 'no check failed' );
my $CheckOutput = $Output;

my $Text = Slurp($Package);
like( $Text, qr{<BuildDate>2023-11-14 22:13:20</BuildDate>}ms,  'BuildDate comes from SOURCE_DATE_EPOCH, in UTC' );
like( $Text, qr{<BuildHost>build\.example\.org</BuildHost>}xms, 'BuildHost comes from OPM_BUILD_HOST' );
for my $Shared ( 'libsfclient.so', "$Key/XS.so" ) {
    like(
        $Text, qr{<File Location="Kernel/cpan-lib/auto/SalesForce/XS/\Q$Shared\E" Permission="644" Encode="Base64">}ms,
        "$Shared is packaged under Kernel/cpan-lib/auto/SalesForce/XS, Base64-encoded"
    );
    is(
        decode_base64(
            ( $Text =~ m{Location="Kernel/cpan-lib/auto/SalesForce/XS/\Q$Shared\E"[^>]*>([^<]*)<}xms )[0] // ''
        ),
        Slurp("$NativeDir/arch/auto/SalesForce/XS/$Shared"),
        "the packaged $Shared is byte-for-byte the built one"
    );
}

# every glue of the native directory is listed, by the sopm's pattern
{
    my $GlueDir = "$Work/glues";
    system( 'cp', '-r', $NativeDir, $GlueDir ) == 0 or die 'cp failed';
    Spew( "$GlueDir/arch/auto/SalesForce/XS/5.8-x86_64-linux-thread-multi/XS.so", "another Perl's glue\n" );
    my ( $GlueExit, $GlueOutput ) = Build(
        OutputDir => "$Work/glues-out",
        Arguments => [ '--native-dir', $GlueDir ],
    );
    is( $GlueExit, 0, 'build-opm with two glues' ) or diag $GlueOutput;
    my @Locations = Slurp("$Work/glues-out/$Name") =~ m{Location="(Kernel/cpan-lib/auto/SalesForce/XS/[^"/]+/XS\.so)"}g;
    is_deeply(
        \@Locations,
        [
            sort( "Kernel/cpan-lib/auto/SalesForce/XS/5.8-x86_64-linux-thread-multi/XS.so",
                map {"Kernel/cpan-lib/auto/SalesForce/XS/$_/XS.so"}
                    SalesForce::XS::Native::Builds("$NativeDir/arch/auto/SalesForce/XS") )
        ],
        '... packages both, sorted'
    );
}

# an independent XML parser agrees that it is well-formed
SKIP: {
    my $Python = ( grep { -x "$_/python3" } split /:/, $ENV{PATH} // '' )[0];
    skip 'python3 is not installed', 1 if !$Python;
    my ( $PyExit, $PyOutput ) = Run(
        Command => [
            "$Python/python3", '-c',
            'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); '
                . 'print(r.tag, len(r.findall("Filelist/File")))',
            $Package,
        ],
    );
    like( $PyOutput, qr{\A otrs_package \s \d+}xms, 'python3 xml.etree (expat) parses the package' )
        or diag "exit $PyExit: $PyOutput";
}

# ---------------------------------------------------------------- families (%SalesForceOPM::Family)
my ( %Family, @FamilyOrder );
{
    no warnings 'once';    ## no critic (the table comes from tools/build-opm, loaded at run time)
    %Family      = %SalesForceOPM::Family;
    @FamilyOrder = @SalesForceOPM::FamilyOrder;
}
is_deeply( \@FamilyOrder, [qw(otrs otobo)], 'two families: otrs and otobo' );
is_deeply(
    { map { $_ => [ @{ $Family{$_} }{qw(Suffix PackageRoot ConfigRoot)}, $Family{$_}->{Framework} ] } keys %Family },
    {
        otrs  => [ '',       'otrs_package',  'otrs_config',  [qw(6.0.x 6.5.x 7.0.x 7.1.x)] ],
        otobo => [ '-otobo', 'otobo_package', 'otobo_config', [qw(10.1.x 11.0.x)] ],
    },
    '... with the suffix, package root, SysConfig root and Framework list of SUCCESSORS.md'
);
is( SalesForceOPM::FamilyOfFile("dist/$Name"),              'otrs',  'FamilyOfFile: <Name>-<Version>.opm is otrs' );
is( SalesForceOPM::FamilyOfFile("dist/$Version-otobo.opm"), 'otobo', '... <Name>-<Version>-otobo.opm is otobo' );
is( SalesForceOPM::FamilyOfFile('/elsewhere/renamed-package.opm'), 'otrs', '... any other name is otrs' );

my $OtoboName    = "SalesForce-Customer-Sync-CE-$Version-otobo.opm";
my $OtoboPackage = "$Work/a/$OtoboName";
ok( -f $OtoboPackage, "build-opm writes $OtoboName too (every family by default)" );
my $OtoboText = Slurp($OtoboPackage);
( $ExitCode, $Output ) = Run( Command => [ $^X, $CheckOPM, '--native-dir', $NativeDir, '--no-load', $OtoboPackage ] );
is( $ExitCode, 0, 'check-opm passes on the OTOBO package' ) or diag $Output;
like( $Output, qr{^ok:\s+family\sotobo$}xms, '... as family otobo (from the file name)' );

like( $OtoboText, qr{\A<\?xml[^>]*\?>\n<otobo_package\sversion="1\.1">\n}xms, 'OTOBO: the root is <otobo_package>' );
like( $OtoboText, qr{</otobo_package>\z}xms,                                  '... closed as such' );
is_deeply( [ $OtoboText =~ m{<Framework>([^<]*)</Framework>}g ], [qw(10.1.x 11.0.x)], '... Framework 10.1.x, 11.0.x' );
is_deeply(
    [ $Text =~ m{<Framework>([^<]*)</Framework>}g ], [qw(6.0.x 6.5.x 7.0.x 7.1.x)],
    'OTRS: Framework 6.0.x (the .sopm) and Znuny 6.5.x, 7.0.x, 7.1.x'
);

my %OtrsFiles  = map { $_->{Location} => $_->{Content} } SalesForceOPM::PackageFiles($Package);
my %OtoboFiles = map { $_->{Location} => $_->{Content} } SalesForceOPM::PackageFiles($OtoboPackage);
is_deeply( [ sort keys %OtoboFiles ], [ sort keys %OtrsFiles ], 'both packages have the same file list' );
my $SysConfig = 'Kernel/Config/Files/XML/SalesForce.xml';
is(
    SalesForceOPM::ParseXML( $OtoboFiles{$SysConfig} )->{Tag},
    'otobo_config', "OTOBO: $SysConfig has the root <otobo_config>"
);
is(
    SalesForceOPM::ParseXML( $OtrsFiles{$SysConfig} )->{Tag},
    'otrs_config', "OTRS: $SysConfig has the root <otrs_config>"
);
is(
    $OtoboFiles{$SysConfig} =~ s{<(/?)otobo_config\b}{<$1otrs_config}gr,
    Slurp("$Root/$SysConfig"),
    '... and nothing else changed'
);

my @Tests = sort grep {m{\A scripts/test/ .+ \.t \z}xms} keys %OtoboFiles;
ok( scalar @Tests, 'the packages carry unit tests: ' . join ', ', @Tests );
for my $Test (@Tests) {
    my $Source = Slurp("$Root/$Test");
    my $Script = $OtoboFiles{$Test};
    is( $OtrsFiles{$Test}, $Source, "OTRS: $Test is its source" );
    unlike( $Source, qr{^return\b}xms, "$Test has no top-level return" );
    like(
        $Script, qr{\nuse\sKernel::System::UnitTest::RegisterDriver;\n\nuse\svars\s\(qw\(\$Self\)\);\n}xms,
        "OTOBO: $Test loads RegisterDriver before it declares \$Self"
    );
    like( $Script, qr{\n\$Self->DoneTesting\(\);\n\n1;\n\z}xms, "OTOBO: $Test ends with \$Self->DoneTesting()" );
    my $Undone = $Script =~ s{\n\$Self->DoneTesting\(\);\n}{}r;
    like(
        $Script,
        qr{\nuse\sKernel::System::UnitTest::MockTime\s\(\);\nuse\sKernel::System::UnitTest::RegisterDriver;\n}xms,
        "OTOBO: $Test loads MockTime first (it fixes the time only for code compiled after it)"
    );
    $Undone
        =~ s{\n(?:\#[^\n]*\n)+use\sKernel::System::UnitTest::MockTime\s\(\);\nuse\sKernel::System::UnitTest::RegisterDriver;\n}{}xms;
    is( $Undone, $Source, '... and nothing else changed' );
}
for my $Location ( grep { $_ ne $SysConfig && $_ !~ m{\A scripts/test/}xms } sort keys %OtrsFiles ) {
    next if $OtrsFiles{$Location} eq $OtoboFiles{$Location};
    fail("$Location differs between the families");
}

# The families differ only in what the table says: the OTOBO package with the otrs values put
# back is the OTRS package, byte for byte.
{
    my $Back = $OtoboText =~ s{<(/?)otobo_package\b}{<$1otrs_package}gr;
    $Back
        =~ s{(?:    <Framework>[^<]*</Framework>\n)+}{join '', map {"    <Framework>$_</Framework>\n"} @{ $Family{otrs}->{Framework} }}e;
    for my $Location ( $SysConfig, @Tests ) {
        my $From = encode_base64( $OtoboFiles{$Location}, '' );
        my $To   = encode_base64( $OtrsFiles{$Location},  '' );
        $Back =~ s{\Q$From\E}{$To};
    }
    ok( $Back eq $Text, 'the OTOBO package with the otrs root, Framework and files is the OTRS package byte for byte' );
}

# Each OTOBO test runs as a script of its own (as TAP::Harness runs it), here with stand-ins
# for OTOBO's MockTime and RegisterDriver and no fake org: it skips, plans and exits 0. The OTRS test is
# evaluated as OTRS 6's driver does and returns true.
{
    my $StubLib = "$Work/otobo-stub";
    Spew( "$StubLib/Kernel/System/UnitTest/RegisterDriver.pm", <<'STUB' );
package Kernel::System::UnitTest::RegisterDriver;
use strict;
use warnings;
use Test::More ();
sub import { $main::Self = bless {}, 'StubDriver'; $Kernel::OM = bless {}, 'StubOM'; return 1 }
package StubDriver;
sub True        { my ( $Self, $Ok, $Name ) = @_; return Test::More::ok( $Ok, $Name ) }
sub DoneTesting { return Test::More::done_testing() }
1;
STUB
    Spew( "$StubLib/Kernel/System/UnitTest/MockTime.pm", "package Kernel::System::UnitTest::MockTime;\n1;\n" );
    my $Script = Spew( "$Work/otobo-tests/Backend.t", $OtoboFiles{'scripts/test/SalesForce/Backend.t'} );
    my ( $ScriptExit, $ScriptOutput ) = Run(
        Command => [ $^X, "-I$StubLib", "-I$Root", $Script ],
        Env     => { FAKE_SALESFORCE_BIN => '' },
    );
    is( $ScriptExit, 0, 'OTOBO: Backend.t runs as a script without the fake org' )              or diag $ScriptOutput;
    like( $ScriptOutput, qr{^ok\s1\s-\sSKIPPED.*^1\.\.1$}xms, '... skips and prints its plan' ) or diag $ScriptOutput;

    my @Checks;
    my $Driver = bless { Checks => \@Checks }, 'StubOTRSDriver';
    {
        no strict 'refs';    ## no critic
        *{'StubOTRSDriver::True'} = sub { push @{ $_[0]->{Checks} }, [ $_[1], $_[2] ]; return $_[1] };
    }
    local $ENV{FAKE_SALESFORCE_BIN} = '';
    local @INC = ( $Root, @INC );
    my $Returned = sub {
        my $Self = $Driver;
        return eval $OtrsFiles{'scripts/test/SalesForce/Backend.t'};    ## no critic
        }
        ->();
    ok( $Returned, 'OTRS: Backend.t, evaluated as the OTRS 6 driver does, returns true' ) or diag $@;
    like( $Checks[0]->[1] // '', qr{\ASKIPPED}xms, '... after its one SKIPPED check' );
}

# --family builds one family
( $ExitCode, $Output ) = Build(
    OutputDir => "$Work/only-otobo",
    Arguments => [ '--family', 'otobo' ]
);
is( $ExitCode, 0, 'build-opm --family otobo builds' ) or diag $Output;
ok( -f "$Work/only-otobo/$OtoboName" && !-f "$Work/only-otobo/$Name", '... only the OTOBO package' );
ok( Slurp("$Work/only-otobo/$OtoboName") eq $OtoboText, '... the same bytes as in the build of all families' );
( $ExitCode, $Output ) = Build(
    OutputDir => "$Work/no-family",
    Arguments => [ '--family', 'rt' ]
);
is( $ExitCode, 2, 'build-opm refuses an unknown family' );
like( $Output, qr{unknown\sfamily:\srt}xms, '... naming it' );

# ---------------------------------------------------------------- reproducible
( $ExitCode, $Output ) = Build( OutputDir => "$Work/b" );
is( $ExitCode, 0, 'a second build succeeds' ) or diag $Output;
my $Again = Slurp("$Work/b/$Name");
ok( $Again eq $Text, 'the same sources and SOURCE_DATE_EPOCH give identical bytes' ) or diag(
    'differing lines (a source changed between the builds?): ',
    join ', ', map { substr( $_, 0, 80 ) } grep { index( $Again, $_ ) < 0 } split /\n/, $Text
);

( $ExitCode, $Output ) = Build(
    OutputDir => "$Work/c",
    Env       => { SOURCE_DATE_EPOCH => '1700086400' },
);
my $Later = Slurp("$Work/c/$Name");
isnt( $Later, $Text, 'another SOURCE_DATE_EPOCH gives another BuildDate' );
is(
    $Later =~ s{<BuildDate>[^<]*</BuildDate>}{}r,
    $Text  =~ s{<BuildDate>[^<]*</BuildDate>}{}r,
    'apart from BuildDate the bytes are the same'
);

( $ExitCode, $Output ) = Build(
    OutputDir => "$Work/d",
    Env       => { SOURCE_DATE_EPOCH => 'yesterday' },
);
isnt( $ExitCode, 0, 'a SOURCE_DATE_EPOCH that is not a number is refused' );
like( $Output, qr{SOURCE_DATE_EPOCH must be a number}ms, '... with a clear message' );

# the run history table: created on install and on an upgrade from before 6.2.0, dropped on uninstall
like(
    $Text,
    qr{<DatabaseInstall\sType="post">\s*<TableCreate\sName="salesforce_sync_run">.*?</DatabaseInstall>}xms,
    'DatabaseInstall (post) creates salesforce_sync_run'
);
like(
    $Text,
    qr{<DatabaseUpgrade\sType="post">\s*<TableCreate\sName="salesforce_sync_run"\sVersion="6\.2\.0">}xms,
    'DatabaseUpgrade (post) creates it for upgrades from before 6.2.0'
);
like(
    $Text,
    qr{<DatabaseUninstall\sType="pre">\s*<TableDrop\sName="salesforce_sync_run"/>\s*</DatabaseUninstall>}xms,
    'DatabaseUninstall (pre) drops it'
);
like(
    $Text, qr{</Filelist>\s*<DatabaseInstall}xms,
    'the database sections follow the Filelist, as PackageBuild writes them'
);
{
    my ( $Install, $Upgrade ) = map {
        ( $Text =~ m{<$_\sType="post">\s*(<TableCreate\sName="salesforce_sync_run"[^>]*>.*?</TableCreate>)}xms )[0]
    } qw(DatabaseInstall DatabaseUpgrade);
    s{\sVersion="6\.2\.0"}{}xms for $Upgrade;
    is( $Upgrade, $Install, 'the upgrade creates the same table as the install' );
    like(
        $Install, qr{<Column\sAutoIncrement="true"\sName="id"\sPrimaryKey="true"\sRequired="true"\sType="BIGINT"/>}xms,
        'id is a BIGINT auto increment primary key'
    );
    like( $Install, qr{<Column\sName="started"\sRequired="true"\sType="DATE"/>}xms,     'started is a DATE' );
    like( $Install, qr{<Column\sName="report"\sRequired="false"\sType="LONGBLOB"/>}xms, 'report is a LONGBLOB' );
    like(
        $Install, qr{<Index\sName="salesforce_sync_run_started">\s*<IndexColumn\sName="started"/>}xms,
        'an index on started'
    );
}
like(
    $CheckOutput,
    qr{^ok:\s+<DatabaseInstall\sType="post">\sis\svalid\sdatabase\sXML\s\(TableCreate\ssalesforce_sync_run\)}ms,
    'check-opm checks the database sections'
);

# ---------------------------------------------------------------- what check-opm catches
sub CheckCopy {
    my ( $Label, $Content, @Options ) = @_;
    my $Path = Spew( "$Work/tampered/$Label/$Name", $Content );

    # loading the native part is checked once above and in the 'native' case; skip it elsewhere
    @Options = ( '--no-load', @Options ) if $Label ne 'native';
    return Run( Command => [ $^X, $CheckOPM, '--native-dir', $NativeDir, @Options, $Path ] );
}

( $ExitCode, $Output ) = Build(
    OutputDir => "$Work/old",
    Arguments => [ '--version', '6.0.1' ],
);
is( $ExitCode, 0, 'build-opm --version 6.0.1 builds' ) or diag $Output;
( $ExitCode, $Output ) = Run(
    Command => [
        $^X, $CheckOPM, '--native-dir', $NativeDir, '--version', '6.0.1',
        "$Work/old/SalesForce-Customer-Sync-CE-6.0.1.opm"
    ]
);
is( $ExitCode, 1, 'check-opm fails a package with version 6.0.1' );
like( $Output, qr{^FAIL:.*above\s6\.0\.1}xms, '... saying the version must be above 6.0.1' );

my $DocBase64 = encode_base64( Slurp("$Root/doc/en/SalesForce.md"), '' );
( $ExitCode, $Output ) = CheckCopy(
    'content',
    $Text =~ s{\Q$DocBase64\E}{encode_base64( "tampered\n", '' )}er,
);
is( $ExitCode, 1, 'check-opm fails when a file differs from its source' );
like(
    $Output,
    qr{^FAIL:\s+doc/en/SalesForce\.md\sdiffers\sfrom\sits\ssource.*MD5}xms,
    '... naming the file and the MD5s'
);

# a package of one family checked as another, or with another family's SysConfig file or tests
( $ExitCode, $Output )
    = Run( Command => [ $^X, $CheckOPM, '--no-sources', '--no-load', '--family', 'otrs', $OtoboPackage ] );
is( $ExitCode, 1, 'check-opm fails the OTOBO package checked as otrs' );
like( $Output, qr{^FAIL:.*<otrs_package\sversion="1\.1">.*not\s<otobo_package>}xms,   '... naming the root' );
like( $Output, qr{^FAIL:\s+Framework\sis\s10\.1\.x\s11\.0\.x,\sexpected\s6\.0\.x}xms, '... and the Framework' );
like(
    $Output, qr{^FAIL:.*SalesForce\.xml\shas\sthe\sroot\s<otobo_config>,\sexpected\s<otrs_config>}xms,
    '... and the SysConfig root'
);
{
    my $Tampered = $OtoboText;
    for my $Location ( $SysConfig, 'scripts/test/SalesForce/Backend.t' ) {
        my $From = encode_base64( $OtoboFiles{$Location}, '' );
        my $To
            = encode_base64( $Location eq $SysConfig ? $OtrsFiles{$Location} : "return 1;\n$OtrsFiles{$Location}", '' );
        $Tampered =~ s{\Q$From\E}{$To};
    }
    my $Path = Spew( "$Work/tampered/otobo/$OtoboName", $Tampered );
    ( $ExitCode, $Output ) = Run( Command => [ $^X, $CheckOPM, '--native-dir', $NativeDir, '--no-load', $Path ] );
    is( $ExitCode, 1, 'check-opm fails an OTOBO package with the OTRS SysConfig file and a top-level return' );
    like(
        $Output, qr{^FAIL:.*SalesForce\.xml\shas\sthe\sroot\s<otrs_config>,\sexpected\s<otobo_config>}xms,
        '... naming the SysConfig root'
    );
    like( $Output, qr{^FAIL:.*Backend\.t\shas\sa\stop-level\sreturn}xms,       '... and the return' );
    like( $Output, qr{^FAIL:.*SalesForce\.xml\sdiffers\sfrom\sits\ssource}xms, '... and the files that differ' );
}

( $ExitCode, $Output ) = CheckCopy( 'vendor', $Text =~ s{\s*<Vendor>[^<]*</Vendor>}{}r );
is( $ExitCode, 1, 'check-opm fails without <Vendor>' );
like( $Output, qr{^FAIL:\s+<Vendor>\sis\smissing}xms, '... naming the element' );

( $ExitCode, $Output ) = CheckCopy( 'truncated', substr( $Text, 0, int( length($Text) / 2 ) ) );
is( $ExitCode, 1, 'check-opm fails a truncated package' );
like( $Output, qr{^FAIL:.*not\swell-formed}xms, '... as not well-formed XML' );

( $ExitCode, $Output ) = CheckCopy(
    'permission',
    $Text =~ s{(Location="Kernel/System/SalesForce\.pm" Permission=")644}{${1}600}r,
);
is( $ExitCode, 1, 'check-opm fails a changed permission' );
like( $Output, qr{^FAIL:\s+the\sFilelist\sdiffers}xms, '... as a Filelist that differs from the .sopm' );

( $ExitCode, $Output ) = CheckCopy(
    'base64',
    $Text =~ s{(Location="doc/de/SalesForce\.md"[^>]*>)}{$1\%\%}r,
);
is( $ExitCode, 1, 'check-opm fails content that is not Base64' );
like( $Output, qr{^FAIL:\s+file\sdoc/de/SalesForce\.md:.*Base64}xms, '... naming the file' );

( $ExitCode, $Output ) = CheckCopy(
    'native',
    $Text
        =~ s{(Location="\Q$Glue\E"[^>]*>)[^<]*}{$1 . encode_base64( "\x7fELF not really", '' )}er,
    '--no-sources',
);
is( $ExitCode, 1, 'check-opm --no-sources fails a package whose glue does not load' );
like( $Output, qr{^FAIL:\s+the\snative\spart\sdoes\snot\sload}xms, '... saying the native part does not load' );

( $ExitCode, $Output ) = CheckCopy(
    'database',
    $Text =~ s{(<TableCreate\sName="salesforce_sync_run")\sVersion="6\.2\.0"}{$1}r,
);
is( $ExitCode, 1, 'check-opm fails an upgrade operation without Version' );
like( $Output, qr{^FAIL:\s+<DatabaseUpgrade\sType="post">\shas\sproblems:.*Version\sis\smissing}xms, '... saying so' );
like(
    $Output, qr{^FAIL:\s+elements\sdiffer\sfrom\sthe\s\.sopm:\sDatabaseUpgrade}xms,
    '... and that it differs from the .sopm'
);

( $ExitCode, $Output ) = CheckCopy( 'code', $Text =~ s{(<CodeInstall Type="post">)}{$1 my \$X = ;}r );
is( $ExitCode, 1, 'check-opm fails a Code block that does not compile' );
like( $Output, qr{^FAIL:\s+<CodeInstall\sType="post">\scode\sdoes\snot\scompile}xms, '... naming the block' );

# ---------------------------------------------------------------- what build-opm refuses
my $MissingSOPM = Spew(
    "$Work/missing/SalesForce-Customer-Sync-CE.sopm",
    Slurp($SOPM)
        =~ s{(<Filelist>)}{$1\n        <File Permission="644" Location="Kernel/System/SalesForce/NotThere.pm"/>}r,
);
( $ExitCode, $Output ) = Build(
    OutputDir => "$Work/missing/out",
    Arguments => [ '--sopm', $MissingSOPM, '--source-dir', $Root ],
);
is( $ExitCode, 1, 'build-opm fails when a listed file does not exist' );
like( $Output, qr{do\snot\sexist:\s+Kernel/System/SalesForce/NotThere\.pm}xms, '... naming the file' );
ok( !-e "$Work/missing/out/$Name", '... and writes no package' );

( $ExitCode, $Output ) = Build(
    OutputDir => "$Work/nonative",
    Arguments => [ '--native-dir', "$Work/no-such-native" ],
);
is( $ExitCode, 1, 'build-opm fails without the native build' );
like(
    $Output, qr{Kernel/cpan-lib/auto/SalesForce/XS/\*/XS\.so.*tools/build-native}xms,
    '... naming the glues and how to build them'
);

# a copy of the sources with one file too many beside the packaged ones
my ( $SOPMRoot, $Files ) = SalesForceOPM::ReadSOPM($SOPM);
for my $File ( @{$Files} ) {
    next if $File->{Location} =~ m{\A Kernel/cpan-lib/}xms;
    Spew( "$Work/copy/$File->{Location}", Slurp("$Root/$File->{Location}") );
}
copy( $SOPM, "$Work/copy/SalesForce-Customer-Sync-CE.sopm" ) or die "copy: $!";
( $ExitCode, $Output ) = Build(
    OutputDir => "$Work/copy/out",
    Arguments => [ '--sopm', "$Work/copy/SalesForce-Customer-Sync-CE.sopm", '--native-dir', $NativeDir ],
);
is( $ExitCode, 0, 'build-opm builds from a copy of the sources' ) or diag $Output;
Spew( "$Work/copy/Kernel/System/SalesForce/Forgotten.pm", "1;\n" );
( $ExitCode, $Output ) = Build(
    OutputDir => "$Work/copy/out2",
    Arguments => [ '--sopm', "$Work/copy/SalesForce-Customer-Sync-CE.sopm", '--native-dir', $NativeDir ],
);
is( $ExitCode, 1, 'build-opm fails when a file beside packaged files is not listed' );
like( $Output, qr{not\sin\sthe\sFilelist.*Kernel/System/SalesForce/Forgotten\.pm}xms, '... naming it' );

for my $Bad (
    [
        'database-no-columns',
        '<DatabaseInstall><TableCreate Name="x"></TableCreate></DatabaseInstall>',
        qr{<TableCreate>\sin\s<DatabaseInstall>:\sthe\stable\shas\sno\scolumns}xms
    ],
    [
        'database-upgrade-version',
        '<DatabaseUpgrade><TableDrop Name="x"/></DatabaseUpgrade>',
        qr{<TableDrop>\sin\s<DatabaseUpgrade>:\sVersion\sis\smissing}xms
    ],
    [
        'database-long-name',
        '<DatabaseInstall Type="pre"><TableCreate Name="salesforce_sync_run_history_entries">'
            . '<Column Name="id" Required="true" Type="INTEGER"/></TableCreate></DatabaseInstall>',
        qr{salesforce_sync_run_history_entries'\sis\slonger\sthan\s30\scharacters}xms
    ],
    [
        'database-reserved',
        '<DatabaseInstall Type="pre"><TableCreate Name="x"><Column Name="trigger" Required="true" Type="VARCHAR"'
            . ' Size="10"/></TableCreate></DatabaseInstall>',
        qr{Name\s'trigger'\sis\san\sSQL\sreserved\sword}xms
    ],
    [
        'database-type',
        '<DatabaseInstall Type="pre"><TableCreate Name="x"><Column Name="y" Required="true" Type="TEXT"/>'
            . '</TableCreate></DatabaseInstall>',
        qr{column\s'y':\sType\s'TEXT'\sis\snot\sone\sof}xms
    ],
    [
        'database-twice',
        '<DatabaseInstall><TableDrop Name="x"/></DatabaseInstall>',
        qr{<DatabaseInstall\sType="post">\smay\sappear\sonly\sonce}xms
    ],
    [ 'unknown',   '<Vendorr>x</Vendorr>',                       qr{unknown\selement\s<Vendorr>}xms ],
    [ 'builddate', '<BuildDate>2020-01-01 00:00:00</BuildDate>', qr{<BuildDate>\sis\swritten\sby\sthe\sbuild}xms ],
    )
{
    my ( $Label, $Element, $Expected ) = @{$Bad};
    my $BadSOPM = Spew(
        "$Work/bad-$Label/SalesForce-Customer-Sync-CE.sopm",
        Slurp($SOPM) =~ s{(</otrs_package>)}{    $Element\n$1}r,
    );
    ( $ExitCode, $Output ) = Build(
        OutputDir => "$Work/bad-$Label/out",
        Arguments => [ '--sopm', $BadSOPM, '--source-dir', $Root ],
    );
    is( $ExitCode, 1, "build-opm refuses a .sopm with $Label" );
    like( $Output, $Expected, '... with a message that says what is wrong' );
}

# a Code block without Type and with characters XML must escape: built as OTRS would, read back equal
my $ExtraSOPM = Spew(
    "$Work/extra/SalesForce-Customer-Sync-CE.sopm",
    Slurp($SOPM)
        =~ s{(</otrs_package>)}{    <CodeReinstall><![CDATA[ my \$A = 1 && 2 < 3 && 3 > 0; ]]></CodeReinstall>\n$1}r,
);
( $ExitCode, $Output ) = Build(
    OutputDir => "$Work/extra/out",
    Arguments => [ '--sopm', $ExtraSOPM, '--source-dir', $Root, '--native-dir', $NativeDir ],
);
is( $ExitCode, 0, 'build-opm builds a .sopm with an untyped Code block' ) or diag $Output;
like(
    Slurp("$Work/extra/out/$Name"),
    qr{<CodeReinstall Type="post"> my \$A = 1 &amp;&amp; 2 &lt; 3 &amp;&amp; 3 &gt; 0; </CodeReinstall>}ms,
    '... writing Type="post" and escaping the code like PackageBuild'
);
( $ExitCode, $Output ) = Run(
    Command => [
        $^X,         $CheckOPM, '--native-dir', $NativeDir,
        '--no-load', '--sopm',  $ExtraSOPM,     '--source-dir',
        $Root,       "$Work/extra/out/$Name"
    ]
);
is( $ExitCode, 0, '... and check-opm reads it back equal to the .sopm' ) or diag $Output;

# the XML parser itself
for my $Case (
    [ '<a><b></a>',             qr{closing\stag\s</a>\sdoes\snot\smatch\s<b>}xms ],
    [ '<a>x & y</a>',           qr{'&'\sthat\sdoes\snot\sstart\san\sentity}xms ],
    [ '<a x="1" x="2"/>',       qr{attribute\sx\sappears\stwice}xms ],
    [ '<a>',                    qr{<a>\s\(line\s1\)\sis\snot\sclosed}xms ],
    [ "<a/>\n<b/>",             qr{line\s2:\sa\ssecond\sroot\selement}xms ],
    [ '<a><!-- x -- y --></a>', qr{'--'\sis\snot\sallowed}xms ],
    [ "<a>\x01</a>",            qr{control\scharacter\s0x01}xms ],
    [ '<!DOCTYPE a><a/>',       qr{DOCTYPE}xms ],
    )
{
    my ( $Input, $Expected ) = @{$Case};
    my $Parsed = eval { SalesForceOPM::ParseXML($Input) };
    like( $@, $Expected, "ParseXML refuses " . ( $Input =~ s{\n}{\\n}gr =~ s{\x01}{\\x01}gr ) );
}
my $XMLRoot = SalesForceOPM::ParseXML(
    qq{<?xml version="1.0" encoding="utf-8" ?>\n<a k="&quot;v&quot;"><b>&#x41;&#66;&lt;&amp;</b><![CDATA[<&>]]><c/>\xC3\xA4</a>}
);
is( $XMLRoot->{Attr}->{k},                               '"v"',       'ParseXML decodes entities in attributes' );
is( $XMLRoot->{Children}->[0]->{Content},                'AB<&',      '... and numeric and named entities in text' );
is( $XMLRoot->{Content},                                 "<&>\x{e4}", '... keeps CDATA as it is and decodes UTF-8' );
is( scalar @{ $XMLRoot->{Children} },                    2,           '... and sees empty elements' );
is( SalesForceOPM::CompareVersions( '6.1.0', '6.0.1' ),  1,           'CompareVersions: 6.1.0 > 6.0.1' );
is( SalesForceOPM::CompareVersions( '6.0.10', '6.0.9' ), 1,           'CompareVersions: numeric, not string' );
is( SalesForceOPM::CompareVersions( '6.0.1', '6.0.1' ),  0,           'CompareVersions: equal' );

# ---------------------------------------------------------------- the setup module
{

    package TestLog;
    sub new { my ( $Class, %Param ) = @_; return bless { Entries => [], %Param }, $Class }

    sub Log {
        my ( $Self, %Param ) = @_;
        push @{ $Self->{Entries} }, \%Param;
        print STDERR "LOG: $Param{Priority}: $Param{Message}\n" if $Self->{Echo};
        return 1;
    }

    package TestConfig;
    sub new { my ( $Class, %Config ) = @_; return bless {%Config}, $Class }
    sub Get { my ( $Self,  $Key )    = @_; return $Self->{$Key} }

    package TestSysConfig;

    sub new {
        my ( $Class, %Settings ) = @_;
        return bless {
            Settings => \%Settings,
            Updates  => [],
            Deploys  => []
        }, $Class;
    }
    sub SettingGet    { my ( $Self, %Param ) = @_; return %{ $Self->{Settings}->{ $Param{Name} } || {} } }
    sub SettingLock   { return 'GUID' }
    sub SettingUnlock { return 1 }

    sub SettingUpdate {
        my ( $Self, %Param ) = @_;
        push @{ $Self->{Updates} }, \%Param;
        return ( Success => 1 );
    }

    sub ConfigurationDeploy {
        my ( $Self, %Param ) = @_;
        push @{ $Self->{Deploys} }, \%Param;
        return ( Success => 1 );
    }

    # The lookup indexes (t/lookup-index.t tests them): what the setup asked for.
    package TestLookupIndex;

    sub new    { my ($Class) = @_; return bless { Calls => [] }, $Class }
    sub Create { my ($Self)  = @_; push @{ $Self->{Calls} }, 'Create'; return ( Created => ['i1'], Failed => [] ) }
    sub Drop   { my ($Self)  = @_; push @{ $Self->{Calls} }, 'Drop';   return ('i1') }

    package TestWarnings;

    sub new { my ( $Class, $Warnings ) = @_; return bless { Warnings => $Warnings }, $Class }
    sub ConfigurationWarnings { my ($Self) = @_; return @{ $Self->{Warnings} } }

    package TestOM;

    sub new { my ( $Class, %Objects ) = @_; return bless { Objects => \%Objects }, $Class }

    sub Get {
        my ( $Self, $Name ) = @_;
        if ( $Name =~ m{\A var::packagesetup::}xms ) {
            return $Self->{Objects}->{$Name} //= $Name->new();
        }
        return $Self->{Objects}->{$Name} // die "unexpected object $Name\n";
    }
}

my $Setup  = var::packagesetup::SalesForceCustomerSync->new();
my %Native = (
    'Kernel/cpan-lib/SalesForce/XS.pm'                  => Slurp("$NativeDir/lib/SalesForce/XS.pm"),
    'Kernel/cpan-lib/SalesForce/XS/Native.pm'           => Slurp("$NativeDir/lib/SalesForce/XS/Native.pm"),
    'Kernel/cpan-lib/auto/SalesForce/XS/libsfclient.so' => Slurp("$NativeDir/arch/auto/SalesForce/XS/libsfclient.so"),
    $Glue                                               => Slurp("$NativeDir/arch/auto/SalesForce/XS/$Key/XS.so"),
);
my ( undef, $ExpectedVersion ) = Run(
    Command => [
        $^X, "-I$NativeDir/lib", "-I$NativeDir/arch", '-MSalesForce::XS', '-e', 'print SalesForce::XS::version()',
    ],
);

my %Check = $Setup->NativeCheck( Files => \%Native );
ok( $Check{Success}, 'NativeCheck: the built native part loads' ) or diag $Check{Message};
is( $Check{Version}, $ExpectedVersion, '... and reports SalesForce::XS::version()' );

%Check = $Setup->NativeCheck(
    Files => { %Native, $Glue => "not a shared object\n" },
);
ok( !$Check{Success}, 'NativeCheck: a broken glue does not pass' );
like(
    $Check{Message},
    qr{\Q$Key\E/XS\.so does not load in this Perl .*/XS\.so: file too short\.},
    '... and the loader says why'
);

%Check = $Setup->NativeCheck( Files => { 'Kernel/cpan-lib/SalesForce/XS.pm' => "1;\n" } );
ok( !$Check{Success}, 'NativeCheck: a package without the core does not pass' );
like( $Check{Message}, qr{does\snot\scontain\sKernel/cpan-lib/SalesForce/XS/Native\.pm}xms, '... naming the file' );

my %Uncovered = %Native;
$Uncovered{'Kernel/cpan-lib/auto/SalesForce/XS/5.8-x86_64-linux-thread-multi/XS.so'} = delete $Uncovered{$Glue};
%Check = $Setup->NativeCheck( Files => \%Uncovered );
ok( !$Check{Success}, 'NativeCheck: a package without a glue for this Perl does not pass' );
like(
    $Check{Message},
    qr{no native part for this Perl: Perl .* needs build \Q$Key\E\)\. Builds found in the package's Kernel/cpan-lib/auto/SalesForce/XS: 5\.8-x86_64},
    '... naming this Perl and the builds there'
);

%Check = $Setup->NativeCheck( Directory => "$Work/no-such-dir" );
ok( !$Check{Success}, 'NativeCheck: a missing directory does not pass' );

# The CodeInstall pre block, run the way the package manager runs it: string eval, %Param{Structure}
# with the decoded Filelist. Each case runs in a child process (it may exit, as on the console).
my $Parsed         = SalesForceOPM::ParsePackageFile($Package);
my ($FilelistNode) = grep { $_->{Tag} eq 'Filelist' } @{ $Parsed->{Children} };
my @Filelist       = map { { Location => $_->{Attr}->{Location}, Content => decode_base64( $_->{Content} ) } }
    @{ $FilelistNode->{Children} };
my ($PreCode) = map { $_->{Content} }
    grep { $_->{Tag} eq 'CodeInstall' && ( $_->{Attr}->{Type} // '' ) eq 'pre' } @{ $Parsed->{Children} };
ok( $PreCode, 'the package has a CodeInstall Type="pre" block' );

sub RunPreInstall {
    my (%Param)   = @_;
    my $ErrorFile = "$Work/pre-install-$$-" . int( rand 1e9 );
    my $Pid       = fork;
    die "fork: $!" if !defined $Pid;
    if ( !$Pid ) {
        open STDERR, '>', $ErrorFile or die $!;    ## no critic
        local $0 = $Param{ProgramName};
        my $Log = TestLog->new( Echo => 1 );
        local $Kernel::OM = TestOM->new( 'Kernel::System::Log' => $Log );
        delete $INC{'var/packagesetup/SalesForceCustomerSync.pm'};
        my %Param = ( Structure => { Filelist => $Param{Filelist} } );    ## no critic
        my $Ok    = eval $PreCode . "\n1;";                               ## no critic
        print STDERR "EVAL-ERROR: $@\n" if !$Ok;
        POSIX::_exit( $Ok ? 0 : 9 );
    }
    waitpid $Pid, 0;
    return ( $? >> 8, Slurp($ErrorFile) );
}

my @BrokenFilelist = map {
    $_->{Location} eq $Glue
        ? { %{$_}, Content => "not a shared object\n" }
        : $_
} @Filelist;
my @UncoveredFilelist = map {
    $_->{Location} eq $Glue
        ? { %{$_}, Location => 'Kernel/cpan-lib/auto/SalesForce/XS/5.8-x86_64-linux-thread-multi/XS.so' }
        : $_
} @Filelist;

my ( $PreExit, $PreError ) = RunPreInstall(
    Filelist    => \@Filelist,
    ProgramName => '/opt/otrs/bin/otrs.Console.pl',
);
is( $PreExit, 0, 'CodeInstall pre: a loadable native part lets the install go on' );
unlike( $PreError, qr{LOG:\serror}xms, '... without an error in the log' );

( $PreExit, $PreError ) = RunPreInstall(
    Filelist    => \@BrokenFilelist,
    ProgramName => '/opt/otrs/bin/otrs.Console.pl',
);
is( $PreExit, 1, 'CodeInstall pre on the console: a broken native part stops the process with exit code 1' );
like( $PreError, qr{ERROR:.*does\snot\sload.*Nothing\shas\sbeen\sinstalled}xms, '... saying so on STDERR' );
like( $PreError, qr{LOG:\serror:.*does\snot\sload}xms,                          '... and in the OTRS log' );

( $PreExit, $PreError ) = RunPreInstall(
    Filelist    => \@UncoveredFilelist,
    ProgramName => '/opt/otrs/bin/otrs.Console.pl',
);
is( $PreExit, 1, 'CodeInstall pre on the console: no glue for this Perl stops the process with exit code 1' );
like(
    $PreError, qr{ERROR:.*no\snative\spart\sfor\sthis\sPerl:\sPerl.*Builds\sfound.*5\.8-x86_64.*
        carries\sno\sbuild\sfor\sthe\sPerl\sof\sthis\shost.*Nothing\shas\sbeen\sinstalled}xms,
    '... naming this Perl, the builds in the package, what to do, and that nothing was installed'
);

# the console of the successors: Znuny 7 (znuny.Console.pl) and OTOBO (otobo.Console.pl)
for my $ProgramName ( '/opt/znuny/bin/znuny.Console.pl', '/opt/otobo/bin/otobo.Console.pl' ) {
    ( $PreExit, $PreError ) = RunPreInstall(
        Filelist    => \@BrokenFilelist,
        ProgramName => $ProgramName,
    );
    is( $PreExit, 1, "CodeInstall pre on $ProgramName: a broken native part stops the process" );
    like( $PreError, qr{Nothing\shas\sbeen\sinstalled}xms, '... saying that nothing was installed' );
}

( $PreExit, $PreError ) = RunPreInstall(
    Filelist    => \@BrokenFilelist,
    ProgramName => '/usr/sbin/apache2',
);
is( $PreExit, 0, 'CodeInstall pre in the web interface: the install cannot be stopped, the block returns' );
like( $PreError, qr{LOG:\serror:.*does\snot\sload}xms, '... and the failure is logged at error level' );
unlike( $PreError, qr{Nothing\shas\sbeen\sinstalled}xms, '... without claiming that nothing was installed' );

{
    local $ENV{SALESFORCE_SYNC_SKIP_NATIVE_CHECK} = 1;
    ( $PreExit, $PreError ) = RunPreInstall(
        Filelist    => \@BrokenFilelist,
        ProgramName => '/opt/otrs/bin/otrs.Console.pl',
    );
    is( $PreExit, 0, 'SALESFORCE_SYNC_SKIP_NATIVE_CHECK=1 lets a console install go on' );
    like( $PreError, qr{LOG:\snotice:.*does\snot\sload}xms, '... still reporting the problem' );
}

# post install: checks the installed files under Home/Kernel/cpan-lib
for my $Location ( keys %Native ) {
    Spew( "$Work/home/$Location", $Native{$Location} );
}
{
    my $Log         = TestLog->new();
    my $LookupIndex = TestLookupIndex->new();
    local $Kernel::OM = TestOM->new(
        'Kernel::System::Log'                     => $Log,
        'Kernel::Config'                          => TestConfig->new( Home => "$Work/home" ),
        'Kernel::System::SalesForce::LookupIndex' => $LookupIndex,
    );
    local *STDERR;
    open STDERR, '>', \my $Ignored;    ## no critic
    ok( $Setup->CodeInstall(), 'CodeInstall (post): the installed native part loads' );
    is_deeply( $LookupIndex->{Calls}, ['Create'], '... and the lookup indexes are created' );
    ok(
        ( grep { $_->{Message} =~ m{installed;\snative\spart\sSalesForce::XS\s\S+\sloads}xms } @{ $Log->{Entries} } ),
        '... and the next steps are logged'
    );

    $Log->{Entries} = [];
    ok( $Setup->CodeUninstall(), 'CodeUninstall runs with the log and the lookup indexes only (it deletes no data)' );
    is_deeply( $LookupIndex->{Calls}, [ 'Create', 'Drop' ], '... and drops the lookup indexes' );
    like(
        $Log->{Entries}->[0]->{Message}, qr{Customer\scompanies\sand\scustomer\susers\screated\sby\sthe\ssync\sstay}xms,
        '... and says that customer data stays'
    );
    like(
        $Log->{Entries}->[0]->{Message}, qr{run\shistory\s\(the\stable\ssalesforce_sync_run.*\)\sis\sdropped}xms,
        '... and that the run history is dropped'
    );
}

# upgrade: cron tasks and API version
{
    my %Settings = (
        'Daemon::SchedulerCronTaskManager::Task###SalesForceSyncCompanies' => {
            IsModified     => 1,
            IsValid        => 1,
            EffectiveValue => {
                TaskName                 => 'SalesForceSyncCompanies',
                Schedule                 => '0 3 * * *',
                Module                   => 'Kernel::System::Console::Command::Admin::SalesForce::SyncCompanies',
                Function                 => 'Run',
                MaximumParallelInstances => 1,
                Params                   => [],
            },
        },
        'Daemon::SchedulerCronTaskManager::Task###SalesForceSyncCustomers' => {
            IsModified     => 0,
            IsValid        => 0,
            EffectiveValue => {
                Function => 'Execute',
                Params   => ['--quiet']
            },
        },
    );
    my $SysConfig = TestSysConfig->new(%Settings);
    my $Log       = TestLog->new();
    local $Kernel::OM = TestOM->new(
        'Kernel::System::Log'       => $Log,
        'Kernel::System::SysConfig' => $SysConfig,
    );
    local *STDERR;
    open STDERR, '>', \my $Ignored;    ## no critic

    my @Changed = $Setup->MigrateCronTasks();
    is_deeply(
        \@Changed, ['Daemon::SchedulerCronTaskManager::Task###SalesForceSyncCompanies'],
        'MigrateCronTasks: only the changed task that still says Run is migrated'
    );
    is( scalar @{ $SysConfig->{Updates} }, 1, '... with one SettingUpdate' );
    is_deeply(
        $SysConfig->{Updates}->[0]->{EffectiveValue},
        {
            %{ $Settings{'Daemon::SchedulerCronTaskManager::Task###SalesForceSyncCompanies'}->{EffectiveValue} },
            Function => 'Execute',
            Params   => ['--quiet']
        },
        '... to Function Execute, keeping the schedule and the rest'
    );
    is( $SysConfig->{Updates}->[0]->{IsValid}, 1, '... keeping it enabled' );
    is_deeply( $SysConfig->{Deploys}->[0]->{DirtySettings}, \@Changed, '... and deploys just that setting' );

    # CheckAPIVersion passes on what the client's settings check reports (that
    # check is tested in t/api-config.t and src/config.rs).
    my @Warnings = (
        'SalesForceModule::APIVersion (config key "api_version") 23.0 is retired by Salesforce; using 64.0 instead.'
    );
    $Kernel::OM->{Objects}->{'Kernel::System::SalesForce'} = TestWarnings->new( \@Warnings );
    my $Warning = $Setup->CheckAPIVersion();
    like(
        $Warning,
        qr{\ASalesForce-Customer-Sync-CE:\sSalesForceModule::APIVersion\s.*23\.0\sis\sretired.*System\sConfiguration}xms,
        'CheckAPIVersion says what the settings check reports, and where to change it'
    );
    like( $Log->{Entries}->[-1]->{Message}, qr{23\.0\sis\sretired}xms, '... and logs it' );

    @Warnings = ();
    is( $Setup->CheckAPIVersion(), undef, '... and is quiet when the check reports nothing' );

    $Settings{'Daemon::SchedulerCronTaskManager::Task###SalesForceSyncCompanies'}->{EffectiveValue}->{Function}
        = 'Execute';
    $SysConfig = TestSysConfig->new(%Settings);
    $Kernel::OM->{Objects}->{'Kernel::System::SysConfig'} = $SysConfig;
    my @None = $Setup->MigrateCronTasks();
    is( scalar @None,                      0, 'MigrateCronTasks changes nothing when no task says Run' );
    is( scalar @{ $SysConfig->{Updates} }, 0, '... and updates no setting' );
}

done_testing();
