# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Every string of the admin screen has a German translation in
# Kernel/Language/de_SalesForce.pm: the template's Translate("..."), the module's
# and the screen logic's Translatable('...') and messages, the JavaScript's
# Core.Language.Translate('...'), the words the template translates from data
# (kinds, triggers, statuses, actions), and the screen's SysConfig titles. The
# translation keeps every %s, and the JavaScript strings are registered for the
# browser.

use strict;
use warnings;
use utf8;

use File::Basename qw(dirname);
use File::Spec;
use Test::More;

my $Root = File::Spec->rel2abs( File::Spec->catdir( dirname(__FILE__), '..' ) );
my $Read = sub {
    my ($Path) = @_;
    open my $Handle, '<:encoding(UTF-8)', "$Root/$Path" or die "$Path: $!";    ## no critic
    local $/;
    return scalar <$Handle>;
};

my %Wanted;
my $Template = $Read->('Kernel/Output/HTML/Templates/Standard/AdminSalesForce.tt');
$Wanted{$1} = 'template' while $Template =~ m{Translate\(\s*"((?:[^"\\]|\\.)+)"}g;
$Wanted{$1} = 'template' while $Template =~ m{Translate\(\s*'((?:[^'\\]|\\.)+)'}g;
my $Module = $Read->('Kernel/Modules/AdminSalesForce.pm');
$Wanted{$1} = 'module' while $Module =~ m{Translatable\(\s*'((?:[^'\\]|\\.)+)'}g;
my $Script = $Read->('var/httpd/htdocs/js/Core.Agent.Admin.SalesForce.js');
my %JavaScript;
$JavaScript{$1} = $Wanted{$1} = 'javascript' while $Script =~ m{Core\.Language\.Translate\(\s*'((?:[^'\\]|\\.)+)'}g;

# What the screen logic says to the admin (hints and problems).
my $Logic = $Read->('Kernel/System/SalesForce/AdminScreen.pm');
my ($Hints) = $Logic =~ m{my \s %Hints \s = \s \( (.*?) \n \s{4} \); }xms;
ok( $Hints, 'the screen logic has its hints' );
for my $Hint ( $Hints =~ m{ => \s ( (?: '[^']*' \s* (?: \. \s* )? )+ ) ,}xmsg ) {
    $Wanted{ join '', $Hint =~ m{'([^']*)'}g } = 'logic';
}
for my $Message ( $Logic =~ m{return \s \( \s* undef, \s* ( (?: '[^']*' \s* (?: \. \s* )? )+ ) \)}xmsg ) {
    $Wanted{ join '', $Message =~ m{'([^']*)'}g } = 'logic';
}
$Wanted{ ( $Logic =~ m{Hint \s+ => \s \$Hints\{\$Name\} \s // \s '([^']+)'}xms )[0] // 'missing default hint' }
    = 'logic';

# Words translated from data.
$Wanted{$_} = 'data' for qw(companies customers console cron screen api ok failed refused unreadable error locked
    full incremental create update invalidate delete skip);

# The screen's SysConfig titles and descriptions.
my $XML = $Read->('Kernel/Config/Files/XML/SalesForce.xml');
for my $Setting ( $XML =~ m{(<Setting Name="[^"]*AdminSalesForce[^"]*".*?</Setting>)}gs ) {
    $Wanted{$1} = 'sysconfig' while $Setting =~ m{Translatable="1">([^<]+)<}g;
}
ok( keys %Wanted > 80, 'strings found: ' . scalar keys %Wanted );

my $Language = $Read->('Kernel/Language/de_SalesForce.pm');
my %German;
while ( $Language =~ m{\{Translation\}\s*->\{\s*'((?:[^'\\]|\\.)+)'\s*\}\s*=\s*'((?:[^'\\]|\\.)*)';}g ) {
    my ( $English, $Text ) = ( $1, $2 );
    s{\\(['\\])}{$1}g for $English, $Text;
    $German{$English} = $Text;
}

my @Missing = grep { !defined $German{$_} || $German{$_} eq '' } sort keys %Wanted;
is( scalar @Missing, 0, 'every string has a German translation' )
    or diag join "\n", map {"missing ($Wanted{$_}): $_"} @Missing;

my @Placeholders = grep {
    defined $German{$_} && ( () = $_ =~ m{%s}g ) != ( () = $German{$_} =~ m{%s}g )
} sort keys %Wanted;
is( scalar @Placeholders, 0, 'every translation keeps the %s of its text' ) or diag join "\n", @Placeholders;

my @Unused = grep { !$Wanted{$_} } sort keys %German;
is( scalar @Unused, 0, 'no translation of a string the screen no longer has' ) or diag join "\n", @Unused;

my ($Registered)  = $Language =~ m{JavaScriptStrings\}\s*\},\s*\((.*?)\);}s;
my %Registered    = map  { $_ => 1 } ( $Registered // '' ) =~ m{'((?:[^'\\]|\\.)+)'}g;
my @NotRegistered = grep { !$Registered{$_} } sort keys %JavaScript;
is( scalar @NotRegistered, 0, 'the JavaScript strings are registered for the browser' )
    or diag join "\n", @NotRegistered;

done_testing();
