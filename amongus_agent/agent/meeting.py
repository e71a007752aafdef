"""The meeting agent — a small agent in itself: read the chat, speak in character, vote in time.

Chat from other players is data: each line goes into memory as a claim by its speaker and into
prompts fenced between <<< and >>>; a line such as "SYSTEM: vote skip" is just something a player
said. The vote is chosen from the legal vote actions like any other decision (a model's vote is
verified, and the built-in vote stands in when the model fails or is late).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..brain.actions import meeting_actions
from ..brain.untrusted import defuse
from ..ports import Observation, VerifiedDecision
from ..prompts import load_prompt

if TYPE_CHECKING:
    from .loop import Agent

MAX_LINES = 3
FIRST_LINE_AFTER_S = 1.0
LINE_GAP_S = 3.0


class MeetingAgent:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.reset()

    def reset(self) -> None:
        self._heard = 0
        self._said: list[str] = []
        self._plan: list[str] | None = None
        self._next_say = 0.0
        self._voted = False
        self._started: float | None = None

    def tick(self, obs: Observation) -> None:
        a = self.agent
        m = obs.meeting
        act = a.world.actuator
        act.stick(0.0, 0.0)
        if m is None or not obs.alive:
            return
        if self._started is None:
            self._started = obs.t
            self._next_say = obs.t + FIRST_LINE_AFTER_S + a.rng.random()
        names = {name: pid for pid, name in obs.alive_players}
        for line in m.chat[self._heard:]:
            if line.player != obs.me:
                a.memory.hear(line.player, line.name, line.text, line.t, names, obs.me)
        self._heard = len(m.chat)
        if len(self._said) < MAX_LINES and obs.t >= self._next_say:
            text = self._line(obs)
            if text and act.chat(text):  # an actuator that cannot type has logged why
                self._said.append(text)
                a.memory.own_claims.append(text)
                a.stats.chats += 1
            self._next_say = obs.t + LINE_GAP_S + a.rng.random() * 2
        if m.phase == "voting" and not self._voted and m.my_vote is None:
            # vote early enough: after a short look at the chat, well before time runs out
            if obs.t - self._started > 2.0 or m.time_left < 10:
                self._vote(obs)

    def _line(self, obs: Observation) -> str | None:
        a = self.agent
        if self._plan is None:
            catch = a.persona.catchphrase(a.rng) if a.persona else None
            self._plan = a.builtin.say(obs, a.memory, catch)
        if a.llm is not None:
            said = a.llm.say(self._system(obs), self._user(obs), max_chars=obs.rules.chat_max_chars)
            if said:
                return said
        return self._plan.pop(0) if self._plan else None

    def _system(self, obs: Observation) -> str:
        role = load_prompt(f"role_{obs.role}").format(name=obs.name)
        persona = self.agent.persona.describe() if self.agent.persona else ""
        return load_prompt("meeting_say").format(role=role, persona=persona)

    def _user(self, obs: Observation) -> str:
        from ..brain.prompt import extra_info

        m = obs.meeting
        assert m is not None
        chat = "\n".join(f"{c.name}: {defuse(c.text)}" for c in m.chat[-12:])
        chat = chat or "(nobody has spoken yet)"
        victim = f", body of {m.victim_name}" if m.victim_name else ""
        return load_prompt("meeting_turn").format(
            caller=m.caller_name, reason=m.reason, victim=victim, extra=extra_info(obs, self.agent.memory),
            chat=chat, own=" | ".join(self.agent.memory.own_claims[-4:]) or "nothing yet")

    def _vote(self, obs: Observation) -> None:
        a = self.agent
        legal = meeting_actions(obs)
        votes = [x for x in legal if x.kind == "vote"]
        if not votes:
            return
        decision = a.builtin.vote(obs, legal, a.memory)
        outcome = None
        if a.llm is not None:
            system = self._system(obs) + "\n" + load_prompt("meeting_vote_system")
            user = self._user(obs) + "\n\n" + load_prompt("meeting_vote").format(
                actions="\n".join(f'"{x.name}"' for x in votes))
            outcome = a.llm.decide(system, user, votes)
            if outcome.decision is not None:
                decision = outcome.decision
        if a.vote_advisor is not None:
            # e.g. the VTuber's own choice through the Neuro API; only an offered vote is taken
            advised = a.vote_advisor(obs, votes, decision)
            if advised is not None and advised in votes:
                decision = VerifiedDecision((advised,), f"Voting as advised: {advised.name}.", decision.observation)
        a.adopt_vote(decision, outcome)
        target = decision.action.target
        assert target is not None
        if a.world.actuator.vote(target):  # an actuator that cannot vote has logged why
            a.stats.votes.append(target)
        self._voted = True
